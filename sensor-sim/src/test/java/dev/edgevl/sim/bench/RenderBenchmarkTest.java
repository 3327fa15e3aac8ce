package dev.edgevl.sim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A smoke test: the benchmark runs and reports. The figure itself is measured, not asserted. */
class RenderBenchmarkTest {

    @Test
    void reportsAPositiveFigure() {
        RenderBenchmark.Result result = RenderBenchmark.run(0.05, 0.2, 32, 32);
        assertThat(result.triples()).isPositive();
        assertThat(result.triplesPerSecond()).isPositive();
        assertThat(result.summary()).contains("triples/s on one thread at 32x32");
    }
}
