package dev.edgevl.sim.sensor;

import java.util.Random;

/**
 * A fast, reproducible noise source for per-pixel sensor effects. A 64×64 RGB frame needs tens of
 * thousands of normal deviates; {@link Random#nextGaussian()} would cost more than rendering the frame,
 * so this draws one 64-bit SplitMix step per deviate and sums its four 16-bit parts (Irwin-Hall),
 * which is bell-shaped to within what any image sensor can tell and cut off at ±3.46 σ.
 */
final class SensorNoise {

    private static final float IRWIN_HALL_SCALE = (float) (Math.sqrt(3.0) / 65536.0);
    private long state;

    SensorNoise(Random random) {
        this.state = random.nextLong();
    }

    private long next() {
        long z = (state += 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A standard normal deviate (approximately). */
    float gaussian() {
        long r = next();
        long sum = (r & 0xffff) + ((r >>> 16) & 0xffff) + ((r >>> 32) & 0xffff) + (r >>> 48);
        return (sum - 131070L) * IRWIN_HALL_SCALE;
    }

    /** Uniform in [0, 1). */
    float uniform() {
        return (next() >>> 40) * 0x1.0p-24f;
    }
}
