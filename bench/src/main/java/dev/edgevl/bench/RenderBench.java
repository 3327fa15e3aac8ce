package dev.edgevl.bench;

import dev.edgevl.sim.bench.RenderBenchmark;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Render throughput of the sensor world: RGB + depth + thermal triples per second on one thread,
 * which is the per-core figure the target (≥ 500 at 64×64) is stated in.
 */
public final class RenderBench {
    private RenderBench() {}

    public static BenchResult run(double warmupSeconds, double measureSeconds, int size) {
        RenderBenchmark.Result r = RenderBenchmark.run(warmupSeconds, measureSeconds, size, size);
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("triplesPerSecondPerCore", r.triplesPerSecond());
        figures.put("triples", (double) r.triples());
        figures.put("seconds", r.seconds());
        figures.put("target", 500.0);
        String verdict = r.triplesPerSecond() >= 500 ? "meets" : "misses";
        return new BenchResult(
                "render",
                String.format(
                        "render: %.0f RGB+depth+thermal triples/s on one core at %dx%d (%s the 500/s target)",
                        r.triplesPerSecond(), size, size, verdict),
                figures);
    }
}
