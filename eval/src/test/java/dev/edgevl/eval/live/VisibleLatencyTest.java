package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class VisibleLatencyTest {
    @Test
    void percentilesCountEachPairOnceAndTheWindowKeepsOnlyRecentArrivals() {
        VisibleLatency.Recorder r = new VisibleLatency.Recorder(Duration.ofSeconds(10));
        for (int i = 1; i <= 100; i++) {
            r.record("dev-a/depth0/" + i, 1_000L + i, i, i / 2); // 1..100 ms visible, 0..50 ms made
        }
        r.record("dev-a/depth0/100", 1_200L, 5_000, 5_000); // a repeat from the at-least-once topic: not counted

        assertThat(r.overall()).isEqualTo(new VisibleLatency.Figures(100, 50, 99, 25, 49, Double.NaN, Double.NaN));
        assertThat(r.window().count()).isEqualTo(100);

        r.record(
                "dev-b/depth0/1",
                20_000L,
                7,
                -1); // a record that does not say when it was made // 19 s later: the window holds only this one
        assertThat(r.window().count()).isEqualTo(1);
        assertThat(r.window().p99Ms()).isEqualTo(7);
        assertThat(r.window().madeP99Ms()).isNaN();
        assertThat(r.overall().count()).isEqualTo(101);
        assertThat(r.overall().steadyP99Ms()).as("the first minute is start-up").isNaN();

        r.record("dev-b/depth0/2", 1_001L + 60_000, 30, 20); // a minute after the first arrival: steady
        assertThat(r.overall().steadyP50Ms()).isEqualTo(30);
        assertThat(r.overall().steadyP99Ms()).isEqualTo(30);
    }

    @Test
    void noArrivalsGiveNoFigures() {
        VisibleLatency.Recorder r = new VisibleLatency.Recorder(Duration.ofSeconds(10));
        assertThat(r.overall().count()).isZero();
        assertThat(r.overall().p99Ms()).isNaN();
        assertThat(r.window().p50Ms()).isNaN();
        assertThat(r.overall().madeP50Ms()).isNaN();
    }
}
