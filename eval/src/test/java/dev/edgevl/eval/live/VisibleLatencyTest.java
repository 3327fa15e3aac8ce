package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class VisibleLatencyTest {
    @Test
    void percentilesCountEachPairOnceAndTheWindowKeepsOnlyRecentArrivals() {
        VisibleLatency.Recorder r = new VisibleLatency.Recorder(Duration.ofSeconds(10));
        for (int i = 1; i <= 100; i++) {
            r.record("dev-a/depth0/" + i, 1_000L + i, i); // 1..100 ms
        }
        r.record("dev-a/depth0/100", 1_200L, 5_000); // a repeat from the at-least-once topic: not counted

        assertThat(r.overall()).isEqualTo(new VisibleLatency.Figures(100, 50, 99));
        assertThat(r.window().count()).isEqualTo(100);

        r.record("dev-b/depth0/1", 20_000L, 7); // 19 s later: the window holds only this one
        assertThat(r.window()).isEqualTo(new VisibleLatency.Figures(1, 7, 7));
        assertThat(r.overall().count()).isEqualTo(101);
    }

    @Test
    void noArrivalsGiveNoFigures() {
        VisibleLatency.Recorder r = new VisibleLatency.Recorder(Duration.ofSeconds(10));
        assertThat(r.overall().count()).isZero();
        assertThat(r.overall().p99Ms()).isNaN();
        assertThat(r.window().p50Ms()).isNaN();
    }
}
