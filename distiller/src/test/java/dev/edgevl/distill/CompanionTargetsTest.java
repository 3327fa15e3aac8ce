package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.distill.CompanionTargets.Rule;
import org.junit.jupiter.api.Test;

class CompanionTargetsTest {
    @Test
    void theMeanUnlessEnoughEvidenceShowsAnotherRuleAgreeingMoreOften() {
        int enough = CompanionTargets.MIN_EVIDENCE;
        assertThat(CompanionTargets.choose(0, Double.NaN, Double.NaN, Double.NaN))
                .isEqualTo(Rule.MEAN);
        assertThat(CompanionTargets.choose(enough - 1, 0.9, 0.1, 0.1)).isEqualTo(Rule.MEAN);
        assertThat(CompanionTargets.choose(enough, 0.50, 0.50, 0.50)).isEqualTo(Rule.RGB);
        assertThat(CompanionTargets.choose(enough, 0.50, 0.55, 0.55)).isEqualTo(Rule.MEAN);
        assertThat(CompanionTargets.choose(enough, 0.50, 0.55, 0.60)).isEqualTo(Rule.COMPANION);
        assertThat(CompanionTargets.choose(enough, 0.60, 0.55, 0.59)).isEqualTo(Rule.RGB);
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
