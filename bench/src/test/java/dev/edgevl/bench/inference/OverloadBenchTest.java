package dev.edgevl.bench.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OverloadBenchTest {
    @Test
    void perCoreOverCapacityComparesWhatEachCoreAnnotatedInTheTwoPhases() {
        // 3,000/s on 0.8 of a core against 4,000/s on 0.9: 3,750 against 4,444 a core.
        assertThat(OverloadBench.perCoreOverCapacity(3_000, 0.8, 4_000, 0.9)).isCloseTo(0.84375, within(1e-9));
        assertThat(OverloadBench.perCoreOverCapacity(3_000, null, 4_000, 0.9)).isNaN();
        assertThat(OverloadBench.perCoreOverCapacity(3_000, 0.8, 4_000, null)).isNaN();
    }
}
