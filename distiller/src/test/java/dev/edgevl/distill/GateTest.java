package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.model.zeroshot.LabelSet;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class GateTest {
    private final Gate gate = new Gate(0.02, 20);

    @Test
    void theFirstVersionIsPromotedWithNothingToCompare() {
        Gate.Verdict v = gate.decide(0.4, 0.5, OptionalDouble.empty(), 5);
        assertThat(v.promote()).isTrue();
        assertThat(v.reason()).contains("first version");
        assertThat(v.metrics(0.02)).containsEntry("gate.promoted", 1.0).doesNotContainKey("gate.liveNonRgbAgreement");
    }

    @Test
    void aCandidateWithinEpsilonOfTheLiveVersionIsPromotedAndAWorseOneRejected() {
        assertThat(gate.decide(0.59, 0.7, OptionalDouble.of(0.60), 100).promote())
                .isTrue();
        assertThat(gate.decide(0.58, 0.7, OptionalDouble.of(0.60), 100).promote())
                .as("exactly epsilon worse")
                .isTrue();
        Gate.Verdict worse = gate.decide(0.57, 0.9, OptionalDouble.of(0.60), 100);
        assertThat(worse.promote()).isFalse();
        assertThat(worse.reason()).contains("rejected").contains("0.570").contains("0.600");
        assertThat(worse.metrics(0.02))
                .containsEntry("gate.promoted", 0.0)
                .containsEntry("gate.liveNonRgbAgreement", 0.60);
    }

    @Test
    void tooFewHeldOutPairsCannotReplaceALiveVersion() {
        Gate.Verdict v = gate.decide(0.9, 0.9, OptionalDouble.of(0.1), 19);
        assertThat(v.promote()).isFalse();
        assertThat(v.reason()).contains("only 19 held-out pairs");
    }

    @Test
    void agreementComparesTopOnesOverTheLabels() {
        LabelSet labels = LabelSet.of(Map.of("a", new float[] {1, 0}, "b", new float[] {0, 1}));
        float[][] teacher = {{1, 0}, {0, 1}, {1, 0}, {0, 1}};
        float[][] student = {{0.9f, 0.1f}, {0.2f, 0.8f}, {0.1f, 0.9f}, {0.6f, 0.4f}};
        assertThat(Gate.agreement(student, teacher, labels)).isCloseTo(0.5, within(1e-9));
        assertThat(Gate.agreement(teacher, teacher, labels)).isEqualTo(1.0);
    }
}
