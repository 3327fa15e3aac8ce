package dev.edgevl.sim;

import dev.edgevl.sim.world.Colour;
import dev.edgevl.sim.world.Material;
import dev.edgevl.sim.world.Role;
import dev.edgevl.sim.world.Scene;
import dev.edgevl.sim.world.SceneObject;
import dev.edgevl.sim.world.SceneSampler;
import dev.edgevl.sim.world.Shape;
import dev.edgevl.sim.world.SizeClass;
import dev.edgevl.sim.world.WorldConfig;
import java.util.List;

/** Hand-made scenes for tests: one known object in the middle of an otherwise sampled room. */
public final class TestScenes {

    private TestScenes() {}

    /** An empty room: floor, wall, light and camera from the sampler, no objects at all. */
    public static Scene emptyRoom(long id) {
        Scene sampled = new SceneSampler(
                        WorldConfig.defaults().withDistractorProbability(0).withClutter(0, 0))
                .sample(id);
        return sampled.withObjects(List.of());
    }

    /** The room of {@link #emptyRoom} with one medium matte object of the given shape and temperature. */
    public static Scene single(long id, Shape shape, Colour colour, float temperatureK) {
        Scene room = emptyRoom(id);
        SceneObject object = SceneObject.resting(
                Role.PRIMARY,
                shape,
                colour.word(),
                colour.albedo(),
                SizeClass.MEDIUM,
                0.26f,
                Material.MATTE,
                0f,
                0f,
                30f,
                0f,
                0f,
                temperatureK);
        return room.withObjects(List.of(object));
    }

    public static Scene single(long id, Shape shape) {
        return single(id, shape, Colour.RED, emptyRoom(id).environment().ambientK());
    }
}
