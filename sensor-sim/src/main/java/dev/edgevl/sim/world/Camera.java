package dev.edgevl.sim.world;

/**
 * A pinhole camera: position in metres, yaw about y (0 = looking towards +z), pitch downwards and roll,
 * in degrees, and the vertical field of view.
 */
public record Camera(float x, float y, float z, float yawDeg, float pitchDeg, float rollDeg, float fovYDeg) {}
