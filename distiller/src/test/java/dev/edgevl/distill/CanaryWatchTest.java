package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.distill.CanaryWatch.Decision;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CanaryWatchTest {
    private static final DistillerConfig.Rollout ROLLOUT =
            new DistillerConfig.Rollout(0.25, Duration.ofMinutes(2), Duration.ofMinutes(6), 60);
    private static final double ALPHA = 0.1;

    /** n pairs, of which the canary alone agrees on {@code canaryOnly} and the fleet version alone on {@code fleetOnly}. */
    private static PairedAgreement pairs(int n, int canaryOnly, int fleetOnly) {
        return new PairedAgreement(n, n / 2, canaryOnly, fleetOnly);
    }

    private static Decision decide(PairedAgreement p, int minutes) {
        return CanaryWatch.decide(ROLLOUT, ALPHA, p, Duration.ofMinutes(minutes));
    }

    @Test
    void aClearlyWorseCanaryIsRolledBackAsSoonAsItHasEnoughPairs() {
        assertThat(decide(pairs(80, 2, 15), 1)).isEqualTo(Decision.ROLL_BACK);
        assertThat(decide(pairs(40, 1, 10), 1)).as("too few pairs yet").isEqualTo(Decision.WATCH);
    }

    @Test
    void anEqualCanaryGoesFleetWideOnlyAfterTheWatch() {
        assertThat(decide(pairs(80, 6, 7), 1)).isEqualTo(Decision.WATCH);
        assertThat(decide(pairs(80, 6, 7), 2)).isEqualTo(Decision.PROMOTE);
        assertThat(decide(pairs(80, 12, 3), 2)).isEqualTo(Decision.PROMOTE);
    }

    @Test
    void pastTheLongestWatchTooFewPairsPromoteUnlessTheyAlreadyShowHarm() {
        assertThat(decide(pairs(20, 2, 3), 5)).isEqualTo(Decision.WATCH);
        assertThat(decide(pairs(20, 2, 3), 6)).isEqualTo(Decision.PROMOTE);
        assertThat(decide(pairs(30, 0, 9), 6)).isEqualTo(Decision.ROLL_BACK);
        assertThat(decide(pairs(0, 0, 0), 6)).isEqualTo(Decision.PROMOTE);
    }
}
