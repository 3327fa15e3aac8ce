package dev.edgevl.model.preprocess;

import java.util.Arrays;

/**
 * EdgeVL's rendering of a range image (depth, thermal) for a network built for RGB: min-max scale the
 * frame's own readings to 0..1. Scaling per frame throws away absolute distance and temperature on
 * purpose, so the student sees shape, not the sensor's calibration or the scene's depth.
 *
 * <p>Missing readings (raw 0) take no part in the min and max. A hole with at least one valid pixel
 * among its 8 neighbours gets their mean (scattered dropouts vanish instead of speckling the image);
 * one deep inside a hole region stays 0, which with {@link RangePolarity#LOW_IS_BRIGHT} reads as far
 * away. Fills are computed from original readings only, never from other fills, so the result does
 * not depend on scan order. A frame without readings is all zeros, and a frame whose readings are all
 * equal has no contrast to show and is all zeros too (as {@code (x - min) / (max - min + eps)} gives);
 * neither produces NaN.
 */
final class RangeScaler {

    private RangeScaler() {}

    /** Scales {@code raw} (unsigned 16-bit readings, 0 = none) into {@code out}, both {@code width × height}. */
    static void toUnitRange(int[] raw, int width, int height, RangePolarity polarity, float[] out) {
        int n = width * height;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 0; i < n; i++) {
            int v = raw[i];
            if (v != 0) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (max == 0 || max == min) {
            Arrays.fill(out, 0, n, 0f);
            return;
        }
        float range = max - min;
        boolean lowIsBright = polarity == RangePolarity.LOW_IS_BRIGHT;
        boolean anyHole = false;
        for (int i = 0; i < n; i++) {
            int v = raw[i];
            if (v == 0) {
                anyHole = true;
                out[i] = 0f;
            } else {
                out[i] = (lowIsBright ? max - v : v - min) / range;
            }
        }
        if (anyHole) {
            fillHoles(raw, width, height, out);
        }
    }

    private static void fillHoles(int[] raw, int width, int height, float[] out) {
        for (int y = 0; y < height; y++) {
            int y0 = Math.max(0, y - 1);
            int y1 = Math.min(height - 1, y + 1);
            for (int x = 0; x < width; x++) {
                if (raw[y * width + x] != 0) {
                    continue;
                }
                int x0 = Math.max(0, x - 1);
                int x1 = Math.min(width - 1, x + 1);
                float sum = 0f;
                int count = 0;
                for (int ny = y0; ny <= y1; ny++) {
                    int row = ny * width;
                    for (int nx = x0; nx <= x1; nx++) {
                        if (raw[row + nx] != 0) {
                            sum += out[row + nx];
                            count++;
                        }
                    }
                }
                if (count > 0) {
                    out[y * width + x] = sum / count;
                }
            }
        }
    }
}
