package dev.edgevl.sim.sensor;

/**
 * Raw pixel encodings, named as in the project's wire contract: row-major, top-left first, no padding.
 * RGB8 is three bytes per pixel; the 16-bit ones are unsigned little-endian with 0 meaning "no reading".
 */
public enum Encoding {
    /** 8-bit sRGB, R then G then B. */
    RGB8(3),
    /** Distance along the camera axis in millimetres. */
    DEPTH16_MM(2),
    /** Apparent temperature in centikelvin (29315 = 20 °C). */
    THERMAL16_CK(2);

    private final int bytesPerPixel;

    Encoding(int bytesPerPixel) {
        this.bytesPerPixel = bytesPerPixel;
    }

    public int bytesPerPixel() {
        return bytesPerPixel;
    }
}
