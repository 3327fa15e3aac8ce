package dev.edgevl.sim.world;

import java.util.Locale;

/**
 * Size words and the object extents (metres across a unit shape) they stand for. The ranges do not
 * touch, so a caption's size word is always right; at the default camera a small object is about
 * 12-15 px across a 64 px frame and a large one about 25-30 px.
 */
public enum SizeClass {
    SMALL(0.15f, 0.19f),
    MEDIUM(0.22f, 0.28f),
    LARGE(0.31f, 0.38f);

    private final float minMetres;
    private final float maxMetres;

    SizeClass(float minMetres, float maxMetres) {
        this.minMetres = minMetres;
        this.maxMetres = maxMetres;
    }

    public float minMetres() {
        return minMetres;
    }

    public float maxMetres() {
        return maxMetres;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
