package dev.edgevl.sim.sensor;

import dev.edgevl.sim.render.RenderBuffers;
import java.util.Random;

/**
 * A microbolometer: soft optics (a 3×3 binomial blur), an offset that drifts between frames until the
 * next flat-field correction, and temporal noise of about 80 mK. It sees heat, not light, so night
 * does not concern it.
 *
 * <p>Not thread-safe (scratch buffer); one per thread.
 */
public final class ThermalSensor {

    private static final float NETD_K = 0.08f;
    private static final float OFFSET_DRIFT_K = 0.25f;

    private float[] rows = new float[0];

    public Frame capture(RenderBuffers in, Random random) {
        int w = in.width();
        int h = in.height();
        int n = w * h;
        SensorNoise noise = new SensorNoise(random);
        float[] t = in.temperature();
        if (rows.length != n) {
            rows = new float[n];
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                rows[i] = 0.5f * t[i] + 0.25f * (t[y * w + Math.max(x - 1, 0)] + t[y * w + Math.min(x + 1, w - 1)]);
            }
        }
        float offset = OFFSET_DRIFT_K * (2f * noise.uniform() - 1f);
        byte[] out = new byte[2 * n];
        for (int y = 0; y < h; y++) {
            int up = Math.max(y - 1, 0) * w;
            int down = Math.min(y + 1, h - 1) * w;
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float kelvin =
                        0.5f * rows[i] + 0.25f * (rows[up + x] + rows[down + x]) + offset + NETD_K * noise.gaussian();
                int ck = Math.max(1, Math.min(65535, Math.round(kelvin * 100f)));
                out[2 * i] = (byte) ck;
                out[2 * i + 1] = (byte) (ck >>> 8);
            }
        }
        return new Frame(w, h, Encoding.THERMAL16_CK, out);
    }
}
