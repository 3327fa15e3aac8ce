package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetrainTriggerTest {
    private final RetrainTrigger trigger = new RetrainTrigger(100, Duration.ofMinutes(10), 50);

    @Test
    void enoughNewSamplesStartARound() {
        assertThat(trigger.due(100, 200, Duration.ofSeconds(1)))
                .hasValueSatisfying(r -> assertThat(r).contains("100 new samples"));
        assertThat(trigger.due(99, 200, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void theIntervalStartsARoundWhenSomethingIsNew() {
        assertThat(trigger.due(1, 200, Duration.ofMinutes(10)))
                .hasValueSatisfying(r -> assertThat(r).contains("since the last round"));
        assertThat(trigger.due(0, 200, Duration.ofHours(5)))
                .as("nothing new: nothing to learn")
                .isEmpty();
    }

    @Test
    void tooSmallABufferNeverTrains() {
        assertThat(trigger.due(500, 49, Duration.ofHours(1))).isEmpty();
        assertThat(trigger.due(500, 50, Duration.ofHours(1))).isPresent();
    }

    @Test
    void aRoundIsSkippedOnlyWhenEnoughNewPairsShowTheLiveVersionAlreadyAgrees() {
        RetrainTrigger skipping = new RetrainTrigger(100, Duration.ofMinutes(10), 50, 0.9);
        assertThat(skipping.nothingNew(0.95, 40)).isTrue();
        assertThat(skipping.nothingNew(0.9, 40))
                .as("more than the share, not as much")
                .isFalse();
        assertThat(skipping.nothingNew(0.99, RetrainTrigger.MIN_PRETEST_PAIRS - 1))
                .as("too few to tell")
                .isFalse();
        assertThat(new RetrainTrigger(100, Duration.ofMinutes(10), 50, 1).nothingNew(1.0, 500))
                .as("1 never skips")
                .isFalse();
    }
}
