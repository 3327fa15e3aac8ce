package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LiveWindowTest {

    private static Observation obs(
            double atSeconds, boolean right, Boolean rgbRight, boolean routed, double latencyMs, Long version) {
        Instant capture = Records.at(atSeconds);
        return new Observation(
                dev.edgevl.avro.Modality.DEPTH,
                capture,
                capture.plusNanos(Math.round(latencyMs * 1e6)),
                true,
                right,
                rgbRight,
                routed,
                version);
    }

    @Test
    void countsOnlyWhatWasCapturedInTheLastWindowOfEventTime() {
        LiveWindow w = new LiveWindow(Duration.ofSeconds(10));
        for (int i = 0; i < 10; i++) {
            w.add(obs(i, false, null, false, 5, 1L));
        }
        for (int i = 10; i < 20; i++) {
            w.add(obs(i, true, i % 2 == 0, i == 10, 5, 2L));
        }
        WindowFigures f = w.figures();
        assertThat(f.frames()).isEqualTo(10);
        assertThat(f.nonRgbTop1()).isEqualTo(1.0);
        assertThat(f.rgbFrames()).isEqualTo(10);
        assertThat(f.rgbTop1()).isEqualTo(0.5);
        assertThat(f.routingRate()).isEqualTo(0.1);
        assertThat(f.framesPerSecond()).isCloseTo(1.0, within(1e-9));
        assertThat(f.modelVersion()).isEqualTo(2L);
        assertThat(f.end()).isEqualTo(Records.at(19));
    }

    @Test
    void lateArrivalsCountByCaptureTimeNotArrival() {
        LiveWindow w = new LiveWindow(Duration.ofSeconds(10));
        w.add(obs(30, true, null, false, 5, 1L));
        w.add(obs(25, false, null, false, 5, 1L));
        w.add(obs(5, true, null, false, 5, 1L));
        assertThat(w.figures().frames())
                .as("the one from t=5 is older than the window")
                .isEqualTo(2);
        assertThat(w.figures().nonRgbTop1()).isEqualTo(0.5);
    }

    @Test
    void unlabelledFramesCountAsFramesButNotForAccuracy() {
        LiveWindow w = new LiveWindow(Duration.ofSeconds(60));
        Instant t = Records.at(1);
        w.add(new Observation(dev.edgevl.avro.Modality.DEPTH, t, t.plusMillis(3), false, false, null, false, null));
        WindowFigures f = w.figures();
        assertThat(f.frames()).isEqualTo(1);
        assertThat(f.labelled()).isZero();
        assertThat(f.nonRgbTop1()).as("no labels is not 0%").isNull();
        assertThat(f.rgbTop1()).isNull();
        assertThat(f.modelVersion()).isNull();
    }

    @Test
    void latencyPercentilesAreNearestRank() {
        LiveWindow w = new LiveWindow(Duration.ofSeconds(1000));
        for (int i = 1; i <= 100; i++) {
            w.add(obs(i, true, null, false, i, 1L));
        }
        assertThat(w.figures().p50Ms()).isCloseTo(50, within(1e-6));
        assertThat(w.figures().p99Ms()).isCloseTo(99, within(1e-6));
        assertThat(LiveWindow.percentile(new double[] {7}, 0.99)).isEqualTo(7);
        assertThat(LiveWindow.percentile(new double[0], 0.5)).isNull();
    }
}
