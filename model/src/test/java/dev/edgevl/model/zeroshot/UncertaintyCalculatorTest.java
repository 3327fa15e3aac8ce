package dev.edgevl.model.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UncertaintyCalculatorTest {

    private static final LabelSet SHAPES = LabelSet.of(Map.of(
            "cube", new float[] {1, 0},
            "sphere", new float[] {0, 1}));

    @Test
    void aSingleLabelCannotBeConfused() {
        assertThat(UncertaintyCalculator.margin(new double[] {1})).isEqualTo(1);
        assertThat(UncertaintyCalculator.normalizedEntropy(new double[] {1})).isZero();
    }

    @Test
    void aUniformAnswerIsAsUnsureAsItGets() {
        double[] uniform = {0.25, 0.25, 0.25, 0.25};

        assertThat(UncertaintyCalculator.margin(uniform)).isZero();
        assertThat(UncertaintyCalculator.normalizedEntropy(uniform)).isCloseTo(1, within(1e-12));
    }

    @Test
    void aCertainAnswerHasFullMarginAndNoEntropy() {
        double[] certain = {0, 1, 0};

        assertThat(UncertaintyCalculator.margin(certain)).isEqualTo(1);
        assertThat(UncertaintyCalculator.normalizedEntropy(certain)).isZero();
    }

    @Test
    void inBetweenValuesAreTheTextbookOnes() {
        double[] p = {0.25, 0.5, 0.25};

        assertThat(UncertaintyCalculator.margin(p)).isEqualTo(0.25);
        assertThat(UncertaintyCalculator.normalizedEntropy(p))
                .isCloseTo(1.5 * Math.log(2) / Math.log(3), within(1e-12));
        assertThat(UncertaintyCalculator.margin(new double[] {0.4, 0.4, 0.2})).isZero();
    }

    @Test
    void disagreementComparesTopOneLabelsAndIsNullWithoutRgb() {
        Classification depthSaysCube = ZeroShotClassifier.classify(new float[] {1, 0.2f}, SHAPES, 1);
        Classification rgbSaysCube = ZeroShotClassifier.classify(new float[] {1, 0}, SHAPES, 1);
        Classification rgbSaysSphere = ZeroShotClassifier.classify(new float[] {0, 1}, SHAPES, 1);

        assertThat(UncertaintyCalculator.of(depthSaysCube).modalityDisagreement())
                .isNull();
        assertThat(UncertaintyCalculator.of(depthSaysCube, rgbSaysCube).modalityDisagreement())
                .isFalse();
        assertThat(UncertaintyCalculator.of(depthSaysCube, rgbSaysSphere).disagrees())
                .isTrue();
    }

    @Test
    void uncertaintyOfAClassificationUsesItsWholeDistribution() {
        // k = 1 keeps one label in the top-k, but the margin still needs the runner-up
        Classification c = ZeroShotClassifier.classify(new float[] {1, 1}, SHAPES, 0.01, 1);

        Uncertainty u = UncertaintyCalculator.of(c);

        assertThat(u.margin()).isCloseTo(0, within(1e-9));
        assertThat(u.normalizedEntropy()).isCloseTo(1, within(1e-9));
    }

    @Test
    void noProbabilitiesIsAnError() {
        assertThatThrownBy(() -> UncertaintyCalculator.margin(new double[0])).hasMessageContaining("at least one");
    }
}
