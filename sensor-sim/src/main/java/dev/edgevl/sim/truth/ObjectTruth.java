package dev.edgevl.sim.truth;

import dev.edgevl.sim.world.Role;
import dev.edgevl.sim.world.SceneObject;

/**
 * What one object in a scene really is and where it stands. Field names and units follow the
 * project's FrameTruth record: metres with y up and the camera looking towards +z, degrees, kelvin.
 */
public record ObjectTruth(
        String shape,
        String colour,
        String size,
        String material,
        boolean primary,
        float x,
        float y,
        float z,
        float yawDeg,
        float pitchDeg,
        float rollDeg,
        float temperatureK) {

    public static ObjectTruth of(SceneObject o) {
        return new ObjectTruth(
                o.shape().label(),
                o.colour(),
                o.size().word(),
                o.material().word(),
                o.role() == Role.PRIMARY,
                o.x(),
                o.y(),
                o.z(),
                o.yawDeg(),
                o.pitchDeg(),
                o.rollDeg(),
                o.temperatureK());
    }
}
