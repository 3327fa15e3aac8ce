package dev.edgevl.sim.world;

import java.util.List;

/**
 * Everything needed to render one moment of the world, and nothing about any sensor. Objects come
 * primary first, then the distractor if there is one, then clutter.
 *
 * @param id the scene's seed and identity: the same id with the same config is the same scene
 */
public record Scene(
        long id,
        int width,
        int height,
        List<SceneObject> objects,
        Camera camera,
        Lighting lighting,
        Environment environment) {

    public Scene {
        objects = List.copyOf(objects);
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, was " + width + "x" + height);
        }
    }

    public SceneObject primary() {
        return objects.get(0);
    }

    public Scene withObjects(List<SceneObject> replacement) {
        return new Scene(id, width, height, replacement, camera, lighting, environment);
    }
}
