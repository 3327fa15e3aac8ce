package dev.edgevl.sim.world;

/**
 * One directional key light plus sky-like ambient light.
 *
 * @param dirX unit vector towards the light, x (with dirY, dirZ)
 * @param key key light radiance on a surface facing it
 * @param tint colour of the key light
 * @param ambient ambient radiance on an upward-facing surface
 * @param sunHeatingK how many kelvin the key light warms a dark surface facing it, which is what makes
 *     lit floor and the lit side of objects warmer in thermal, as sun or a lamp does
 */
public record Lighting(
        float dirX, float dirY, float dirZ, float key, LinearRgb tint, float ambient, float sunHeatingK) {}
