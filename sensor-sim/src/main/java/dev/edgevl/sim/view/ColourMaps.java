package dev.edgevl.sim.view;

/**
 * Palettes for showing single-channel sensor images to people: "iron" for thermal, as thermal cameras
 * do (cold black-blue through red and orange to hot white), and a turbo-like rainbow for depth.
 */
final class ColourMaps {

    /** Thermal-camera iron palette, cold to hot. */
    static final int[][] IRON = {
        {0, 0, 0}, {30, 0, 90}, {140, 0, 150}, {220, 50, 40}, {250, 150, 0}, {255, 220, 60}, {255, 255, 230}
    };

    /** Turbo-like, low to high. */
    static final int[][] TURBO = {
        {48, 18, 59},
        {70, 107, 227},
        {40, 187, 236},
        {50, 242, 152},
        {164, 252, 59},
        {237, 208, 58},
        {251, 128, 34},
        {210, 48, 5},
        {122, 4, 3}
    };

    private ColourMaps() {}

    /** The palette colour at {@code t} in [0, 1] as 0xRRGGBB, linearly between stops. */
    static int at(int[][] palette, float t) {
        float clamped = Math.max(0f, Math.min(1f, t));
        float pos = clamped * (palette.length - 1);
        int i = Math.min((int) pos, palette.length - 2);
        float f = pos - i;
        int r = Math.round(palette[i][0] + f * (palette[i + 1][0] - palette[i][0]));
        int g = Math.round(palette[i][1] + f * (palette[i + 1][1] - palette[i][1]));
        int b = Math.round(palette[i][2] + f * (palette[i + 1][2] - palette[i][2]));
        return r << 16 | g << 8 | b;
    }
}
