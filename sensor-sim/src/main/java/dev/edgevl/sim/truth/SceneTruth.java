package dev.edgevl.sim.truth;

import dev.edgevl.sim.world.Role;
import dev.edgevl.sim.world.Scene;
import java.util.List;

/**
 * The ground truth of one scene, for evaluators only: its labelled objects (primary first; clutter is
 * scenery and not listed) and its caption. Frames never carry this; it travels on its own.
 */
public record SceneTruth(long sceneId, List<ObjectTruth> objects, String caption) {

    public SceneTruth {
        objects = List.copyOf(objects);
    }

    public static SceneTruth of(Scene scene) {
        List<ObjectTruth> objects = scene.objects().stream()
                .filter(o -> o.role() != Role.CLUTTER)
                .map(ObjectTruth::of)
                .toList();
        return new SceneTruth(scene.id(), objects, Captions.caption(scene));
    }

    public ObjectTruth primary() {
        return objects.get(0);
    }

    /** The label of the primary object: what a classifier of this frame should answer. */
    public String label() {
        return primary().shape();
    }
}
