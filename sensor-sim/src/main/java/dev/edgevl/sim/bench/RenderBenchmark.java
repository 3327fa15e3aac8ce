package dev.edgevl.sim.bench;

import dev.edgevl.sim.Seeds;
import dev.edgevl.sim.sensor.DepthModel;
import dev.edgevl.sim.sensor.SensorRig;
import dev.edgevl.sim.world.SceneSampler;
import dev.edgevl.sim.world.WorldConfig;
import java.util.Locale;
import java.util.Random;

/**
 * How many scenes per second one thread turns into an RGB + depth + thermal triple: sample a scene,
 * render it once, capture it with all three sensors. This is the figure that bounds how fast the
 * teacher can be given fresh scenes, so it counts everything a data generator would do.
 *
 * <p>Usage: {@code RenderBenchmark [warmupSeconds=3] [measureSeconds=5] [width=64] [height=64]}.
 */
public final class RenderBenchmark {

    /** The outcome of one run. */
    public record Result(double triplesPerSecond, long triples, double seconds, int width, int height) {

        public String summary() {
            return String.format(
                    Locale.ROOT,
                    "render: %.0f triples/s on one thread at %dx%d (RGB+depth+thermal, %d in %.1f s)",
                    triplesPerSecond,
                    width,
                    height,
                    triples,
                    seconds);
        }
    }

    private RenderBenchmark() {}

    public static void main(String[] args) {
        double warmup = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        double measure = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int width = args.length > 2 ? Integer.parseInt(args[2]) : WorldConfig.DEFAULT_SIZE;
        int height = args.length > 3 ? Integer.parseInt(args[3]) : width;
        System.out.println(run(warmup, measure, width, height).summary());
    }

    /** Runs on the calling thread: {@code warmupSeconds} to let the JIT settle, then measures. */
    public static Result run(double warmupSeconds, double measureSeconds, int width, int height) {
        SceneSampler sampler = new SceneSampler(WorldConfig.defaults().withSize(width, height));
        SensorRig rig = new SensorRig();
        Random noise = new Random(7);
        long sceneSeed = 1;
        long sink = 0;
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        while (System.nanoTime() < warmupEnd) {
            sink += rig.capture(sampler.sample(Seeds.derive(sceneSeed, sceneSeed++)), 1.0, DepthModel.DEFAULT, noise)
                    .rgb()
                    .data()[0];
        }
        long start = System.nanoTime();
        long end = start + (long) (measureSeconds * 1e9);
        long count = 0;
        long now = start;
        while (now < end) {
            SensorRig.Triple triple =
                    rig.capture(sampler.sample(Seeds.derive(sceneSeed, sceneSeed++)), 1.0, DepthModel.DEFAULT, noise);
            sink += triple.depth().data()[0];
            count++;
            now = System.nanoTime();
        }
        double seconds = (now - start) / 1e9;
        if (sink == 42) {
            // keeps the JIT from discarding the work; practically never true
            System.out.print("");
        }
        return new Result(count / seconds, count, seconds, width, height);
    }
}
