package dev.edgevl.sim.world;

/** A colour or reflectance in linear light, each channel in [0, 1]. */
public record LinearRgb(float r, float g, float b) {

    public LinearRgb scaled(float k) {
        return new LinearRgb(r * k, g * k, b * k);
    }

    /** Relative luminance (Rec. 709 weights), used where a grey value stands in for a colour. */
    public float luminance() {
        return 0.2126f * r + 0.7152f * g + 0.0722f * b;
    }
}
