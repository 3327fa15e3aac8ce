package dev.edgevl.sim.world;

import java.util.Locale;

/**
 * Surface finishes. They change how light reflects (diffuse share, specular strength and sharpness)
 * and how the surface shows in thermal: bare metal has a low emissivity, so a hot metal object looks
 * cooler than it is and mirrors the temperature of its surroundings, as it does to a real camera.
 */
public enum Material {
    MATTE(1.0f, 0.0f, 1f, 0.95f),
    GLOSSY(0.9f, 0.45f, 60f, 0.90f),
    METAL(0.25f, 0.85f, 18f, 0.30f);

    private final float diffuse;
    private final float specular;
    private final float shininess;
    private final float emissivity;

    Material(float diffuse, float specular, float shininess, float emissivity) {
        this.diffuse = diffuse;
        this.specular = specular;
        this.shininess = shininess;
        this.emissivity = emissivity;
    }

    public float diffuse() {
        return diffuse;
    }

    public float specular() {
        return specular;
    }

    public float shininess() {
        return shininess;
    }

    public float emissivity() {
        return emissivity;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
