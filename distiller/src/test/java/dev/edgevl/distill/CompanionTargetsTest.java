package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.distill.CompanionTargets.Rule;
import org.junit.jupiter.api.Test;

class CompanionTargetsTest {
    /** Verdicts on n pairs: the first {@code agree} true. */
    private static boolean[] verdicts(int n, int agree) {
        return verdicts(n, 0, agree);
    }

    /** Verdicts on n pairs: those from {@code from} (inclusive) to {@code to} (exclusive) true. */
    private static boolean[] verdicts(int n, int from, int to) {
        boolean[] out = new boolean[n];
        for (int i = from; i < to; i++) {
            out[i] = true;
        }
        return out;
    }

    @Test
    void theMeanUnlessEnoughPairsShowOneViewAloneAgreeingMoreOften() {
        int few = CompanionTargets.MIN_EVIDENCE - 1;
        assertThat(CompanionTargets.choose(verdicts(few, few), verdicts(few, 0), verdicts(few, 0), 0.1))
                .as("too few pairs to judge on")
                .isEqualTo(Rule.MEAN);
        // RGB right on 51 of 83, the mean on 48: 10 pairs only RGB gets right, 7 only the mean
        assertThat(CompanionTargets.choose(verdicts(83, 51), verdicts(83, 10, 58), verdicts(83, 5, 52), 0.1))
                .as("a lead of three pairs in 83 is noise")
                .isEqualTo(Rule.MEAN);
        assertThat(CompanionTargets.choose(verdicts(100, 60), verdicts(100, 40), verdicts(100, 40), 0.1))
                .isEqualTo(Rule.RGB);
        assertThat(CompanionTargets.choose(verdicts(100, 40), verdicts(100, 40), verdicts(100, 60), 0.1))
                .isEqualTo(Rule.COMPANION);
        assertThat(CompanionTargets.choose(verdicts(100, 60), verdicts(100, 30), verdicts(100, 70), 0.1))
                .as("both alone shown better: the one that agrees more often")
                .isEqualTo(Rule.COMPANION);
    }

    @Test
    void theMeanPointsBetweenTheTwoAtTheirMeanLength() {
        float[] mean = CompanionTargets.mean(new float[] {2, 0}, new float[] {0, 4});
        assertThat(Math.hypot(mean[0], mean[1])).isCloseTo(3.0, within(1e-5));
        assertThat(mean[0]).isCloseTo(mean[1], within(1e-5f));
        assertThat(CompanionTargets.mean(new float[] {1, 0}, new float[] {-1, 0}))
                .as("opposite directions have no mean direction: the RGB frame's stays")
                .containsExactly(1, 0);
        assertThat(CompanionTargets.mean(new float[] {0, 0}, new float[] {0, 1}))
                .containsExactly(0, 1);
    }

    @Test
    void eachRuleMakesItsTarget() {
        float[] rgb = {1, 0};
        float[] depth = {0, 1};
        assertThat(CompanionTargets.target(Rule.RGB, rgb, depth)).containsExactly(1, 0);
        assertThat(CompanionTargets.target(Rule.COMPANION, rgb, depth)).containsExactly(0, 1);
        assertThat(CompanionTargets.target(Rule.MEAN, rgb, depth)[0]).isCloseTo(0.7071f, within(1e-4f));
        assertThatThrownBy(() -> CompanionTargets.target(Rule.MEAN, rgb, new float[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
