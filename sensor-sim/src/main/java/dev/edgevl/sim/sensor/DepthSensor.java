package dev.edgevl.sim.sensor;

import dev.edgevl.sim.render.RenderBuffers;
import dev.edgevl.sim.world.Material;
import dev.edgevl.sim.world.SceneObject;
import java.util.List;
import java.util.Random;

/**
 * A depth camera that reports millimetres along its optical axis, erring as its {@link DepthModel}
 * says. Stateless, so one instance can serve any number of threads.
 */
public final class DepthSensor {

    /** Neighbouring depths further apart than this fraction count as an edge. */
    private static final float EDGE_JUMP = 0.04f;

    public Frame capture(RenderBuffers in, DepthModel model, Random random) {
        int w = in.width();
        int h = in.height();
        SensorNoise noise = new SensorNoise(random);
        float[] depth = in.depth();
        float[] facing = in.facing();
        boolean[] metal = metalObjects(in);
        float noiseAt1m = (float) (model.noiseMmAt1m() / 1000.0);
        float scale = (float) model.scale();
        float bias = (float) (model.biasMm() / 1000.0);
        float grazingCos = (float) model.grazingCos();
        byte[] out = new byte[2 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float z = depth[i];
                // draw the same number of deviates for every pixel, so a change in one pixel's fate
                // does not reshuffle the noise of all the pixels after it
                float fate = noise.uniform();
                float jitter = noise.gaussian();
                if (!Float.isFinite(z)) {
                    continue;
                }
                double holeChance = model.holeRate();
                if (facing[i] < grazingCos) {
                    holeChance += model.grazingHoleRate() * (1f - facing[i] / grazingCos);
                }
                if (isEdge(depth, w, h, x, y, z)) {
                    holeChance += model.edgeHoleRate();
                }
                int object = in.objectAt(i);
                if (object >= 0 && metal[object]) {
                    holeChance += model.specularHoleRate();
                }
                if (fate < holeChance) {
                    continue;
                }
                float measured = z * scale + bias + jitter * noiseAt1m * z * z;
                if (measured < model.minRangeM() || measured > model.maxRangeM()) {
                    continue;
                }
                int mm = Math.max(1, Math.min(65535, Math.round(measured * 1000f)));
                out[2 * i] = (byte) mm;
                out[2 * i + 1] = (byte) (mm >>> 8);
            }
        }
        return new Frame(w, h, Encoding.DEPTH16_MM, out);
    }

    private static boolean isEdge(float[] depth, int w, int h, int x, int y, float z) {
        float limit = EDGE_JUMP * z;
        return (x > 0 && Math.abs(depth[y * w + x - 1] - z) > limit)
                || (x < w - 1 && Math.abs(depth[y * w + x + 1] - z) > limit)
                || (y > 0 && Math.abs(depth[(y - 1) * w + x] - z) > limit)
                || (y < h - 1 && Math.abs(depth[(y + 1) * w + x] - z) > limit);
    }

    private static boolean[] metalObjects(RenderBuffers in) {
        List<SceneObject> objects = in.scene().objects();
        boolean[] metal = new boolean[objects.size()];
        for (int i = 0; i < metal.length; i++) {
            metal[i] = objects.get(i).material() == Material.METAL;
        }
        return metal;
    }
}
