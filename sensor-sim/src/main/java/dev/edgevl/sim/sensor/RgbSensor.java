package dev.edgevl.sim.sensor;

import dev.edgevl.sim.render.RenderBuffers;
import java.util.Random;

/**
 * A small colour camera: lens softness and vignetting, auto-exposure with a gain limit, white balance
 * that wanders a little from frame to frame, photon shot noise and read noise, a soft highlight
 * shoulder, then the sRGB curve and 8-bit quantisation.
 *
 * <p>The gain limit is what makes night look like night: with a light level of a few percent the
 * auto-exposure runs out of gain, the picture is dark, and the few photons that arrive are noisy.
 *
 * <p>Not thread-safe (scratch buffers); one per thread.
 */
public final class RgbSensor {

    /** Electrons collected from a white surface under a full key light. */
    private static final float FULL_WELL = 3000f;

    private static final float READ_NOISE_E = 3f;
    private static final float TARGET_MEAN = 0.30f;
    private static final float MIN_GAIN = 0.6f;
    private static final float MAX_GAIN = 3.0f;
    private static final float PSF_SIDE = 0.15f;
    private static final float KNEE = 0.6f;
    private static final int LUT_SIZE = 1 << 14;
    private static final byte[] SRGB = srgbTable();

    private float[] blurred = new float[0];
    private float[] vignette = new float[0];
    private int vignetteWidth;
    private int vignetteHeight;

    /**
     * Captures the rendered scene.
     *
     * @param lightLevel 1 by day; a night light level is around 0.03-0.08
     */
    public Frame capture(RenderBuffers in, double lightLevel, Random random) {
        int w = in.width();
        int h = in.height();
        int n = w * h;
        SensorNoise noise = new SensorNoise(random);
        float[] rad = in.radiance();
        blur(rad, w, h);
        float[] vig = vignette(w, h);

        float light = (float) lightLevel;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 0.2126f * rad[3 * i] + 0.7152f * rad[3 * i + 1] + 0.0722f * rad[3 * i + 2];
        }
        float mean = (float) (sum / n) * light;
        float hunting = 1f + 0.04f * (2f * noise.uniform() - 1f);
        // half-way auto-exposure: a dark floor stays darker than a light one, as the captions say
        float wanted = (float) Math.sqrt(TARGET_MEAN / Math.max(mean, 1e-6f));
        float gain = Math.max(MIN_GAIN, Math.min(MAX_GAIN, wanted)) * hunting;
        float[] balance = {1f + 0.03f * (2f * noise.uniform() - 1f), 1f, 1f + 0.03f * (2f * noise.uniform() - 1f)};

        byte[] out = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            float exposure = light * vig[i];
            for (int c = 0; c < 3; c++) {
                float electrons = blurred[3 * i + c] * exposure * balance[c] * FULL_WELL;
                float shot = (float) Math.sqrt(Math.max(electrons, 0f));
                float signal = electrons + shot * noise.gaussian() + READ_NOISE_E * noise.gaussian();
                out[3 * i + c] = encode(signal * (gain / FULL_WELL));
            }
        }
        return new Frame(w, h, Encoding.RGB8, out);
    }

    private static byte encode(float linear) {
        if (linear <= 0f) {
            return 0;
        }
        if (linear > KNEE) {
            // a soft shoulder instead of a hard clip, as camera tone curves have: a bright glossy
            // object keeps some shading instead of turning into a flat white patch
            float over = linear - KNEE;
            linear = KNEE + over / (1f + over / (1f - KNEE));
        }
        return SRGB[Math.min(LUT_SIZE - 1, (int) (linear * (LUT_SIZE - 1) + 0.5f))];
    }

    /** A 3×3 separable lens blur; it also takes the stair-steps off one-ray-per-pixel edges. */
    private void blur(float[] rad, int w, int h) {
        int n = w * h;
        if (blurred.length != 3 * n) {
            blurred = new float[3 * n];
        }
        float mid = 1f - 2f * PSF_SIDE;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int l = Math.max(x - 1, 0);
                int r = Math.min(x + 1, w - 1);
                int row = y * w;
                for (int c = 0; c < 3; c++) {
                    blurred[3 * (row + x) + c] =
                            mid * rad[3 * (row + x) + c] + PSF_SIDE * (rad[3 * (row + l) + c] + rad[3 * (row + r) + c]);
                }
            }
        }
        // vertical pass in place, one row behind, keeping the unblurred previous row in a small window
        float[] previous = new float[3 * w];
        float[] current = new float[3 * w];
        System.arraycopy(blurred, 0, previous, 0, 3 * w);
        for (int y = 0; y < h; y++) {
            System.arraycopy(blurred, 3 * y * w, current, 0, 3 * w);
            int below = 3 * Math.min(y + 1, h - 1) * w;
            for (int k = 0; k < 3 * w; k++) {
                blurred[3 * y * w + k] = mid * current[k] + PSF_SIDE * (previous[k] + blurred[below + k]);
            }
            float[] t = previous;
            previous = current;
            current = t;
        }
    }

    private float[] vignette(int w, int h) {
        if (vignetteWidth != w || vignetteHeight != h) {
            vignette = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float u = (2f * (x + 0.5f) / w - 1f);
                    float v = (2f * (y + 0.5f) / h - 1f);
                    vignette[y * w + x] = 1f - 0.12f * (u * u + v * v);
                }
            }
            vignetteWidth = w;
            vignetteHeight = h;
        }
        return vignette;
    }

    private static byte[] srgbTable() {
        byte[] table = new byte[LUT_SIZE];
        for (int i = 0; i < LUT_SIZE; i++) {
            double v = (double) i / (LUT_SIZE - 1);
            double s = v <= 0.0031308 ? 12.92 * v : 1.055 * StrictMath.pow(v, 1 / 2.4) - 0.055;
            table[i] = (byte) Math.round(Math.min(255.0, s * 255.0));
        }
        return table;
    }
}
