package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExposureTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void aRolledBackCanaryIsMeasuredAgainstEveryFrameAnnotatedWhileItRan() {
        Exposure e = new Exposure();
        for (int s = 0; s < 100; s++) {
            Instant t = T0.plusSeconds(s);
            for (String device : new String[] {"dev-0", "dev-1", "dev-2", "dev-3"}) {
                boolean canary = device.equals("dev-1") && s >= 40 && s < 60;
                e.annotated(canary ? 2L : 1L, device, t);
            }
        }
        e.annotated(null, "dev-4", T0); // before any model: counted among devices and frames
        e.rolledBack(2);
        e.rolledBack(7); // never annotated anything

        assertThat(e.report()).hasSize(2);
        Exposure.RolledBack two = e.report().get(0);
        assertThat(two.version()).isEqualTo(2);
        assertThat(two.frames()).isEqualTo(20);
        assertThat(two.framesMeanwhile()).as("4 devices over its 20 seconds").isEqualTo(80);
        assertThat(two.frameShare()).isEqualTo(0.25);
        assertThat(two.devices()).isEqualTo(1);
        assertThat(two.allDevices()).isEqualTo(5);
        assertThat(e.report().get(1).frames()).isZero();
    }
}
