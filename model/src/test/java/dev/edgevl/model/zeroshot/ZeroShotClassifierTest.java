package dev.edgevl.model.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZeroShotClassifierTest {

    private static final LabelSet SHAPES = LabelSet.of(Map.of(
            "cube", new float[] {1, 0, 0},
            "sphere", new float[] {0, 1, 0},
            "torus", new float[] {0, 0, 1}));

    @Test
    void knownVectorsGiveKnownProbabilities() {
        Classification c = ZeroShotClassifier.classify(new float[] {2, 0, 0}, SHAPES, 1.0, 3);

        double e = Math.E;
        assertThat(c.top1().label()).isEqualTo("cube");
        assertThat(c.top1().similarity()).isEqualTo(1);
        assertThat(c.top1().probability()).isCloseTo(e / (e + 2), within(1e-12));
        assertThat(c.probability("sphere")).isCloseTo(1 / (e + 2), within(1e-12));
        assertThat(Arrays.stream(c.probabilities()).sum()).isCloseTo(1, within(1e-12));
        assertThat(c.labelSetVersion()).isEqualTo(SHAPES.version());
    }

    @Test
    void theDefaultTemperatureIsClipsLogitScaleOfOneHundred() {
        Classification c = ZeroShotClassifier.classify(new float[] {1, 0, 0}, SHAPES, 1);

        assertThat(ZeroShotClassifier.DEFAULT_TEMPERATURE).isEqualTo(0.01);
        assertThat(c.top1().probability()).isCloseTo(1 / (1 + 2 * Math.exp(-100)), within(1e-12));
    }

    @Test
    void aLowerTemperatureSharpens() {
        float[] image = {0.6f, 0.5f, 0.1f};

        double hot = ZeroShotClassifier.classify(image, SHAPES, 1.0, 1).top1().probability();
        double warm = ZeroShotClassifier.classify(image, SHAPES, 0.1, 1).top1().probability();
        double cold = ZeroShotClassifier.classify(image, SHAPES, 0.01, 1).top1().probability();

        assertThat(hot).isLessThan(warm);
        assertThat(warm).isLessThan(cold);
        assertThat(cold).isLessThanOrEqualTo(1);
    }

    @Test
    void topKIsBestFirstAndNeverLongerThanTheSet() {
        Classification c = ZeroShotClassifier.classify(new float[] {0.2f, 0.3f, 0.9f}, SHAPES, 0.05, 5);

        assertThat(c.topK()).extracting(ScoredLabel::label).containsExactly("torus", "sphere", "cube");
        assertThat(c.topK()).extracting(ScoredLabel::probability).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(ZeroShotClassifier.classify(new float[] {0.2f, 0.3f, 0.9f}, SHAPES, 0.05, 2)
                        .topK())
                .extracting(ScoredLabel::label)
                .containsExactly("torus", "sphere");
    }

    @Test
    void tiesGoToTheLabelThatSortsFirstWhateverTheArrivalOrder() {
        LabelSet twins = LabelSet.empty()
                .with("zebra", new float[] {1, 0})
                .with("apple", new float[] {1, 0})
                .with("mango", new float[] {0, 1});

        Classification c = ZeroShotClassifier.classify(new float[] {1, 0}, twins, 0.01, 3);

        assertThat(c.topK()).extracting(ScoredLabel::label).containsExactly("apple", "zebra", "mango");
        assertThat(c.topK().get(0).probability()).isEqualTo(c.topK().get(1).probability());
    }

    @Test
    void aZeroImageEmbeddingScoresEveryLabelTheSame() {
        Classification c = ZeroShotClassifier.classify(new float[3], SHAPES, 0.01, 3);

        assertThat(c.probabilities()).containsOnly(1.0 / 3);
        assertThat(c.top1().label()).isEqualTo("cube");
    }

    @Test
    void batchesScoreLikeSingleImages() {
        float[][] images = {{1, 0, 0}, {0.1f, 0.2f, 0.9f}};
        float[] rows = {1, 0, 0, 0.1f, 0.2f, 0.9f};

        List<Classification> byArray = ZeroShotClassifier.classify(images, SHAPES, 0.01, 2);
        List<Classification> byRows = ZeroShotClassifier.classifyRows(rows, SHAPES, 0.01, 2);

        for (int i = 0; i < images.length; i++) {
            Classification single = ZeroShotClassifier.classify(images[i], SHAPES, 0.01, 2);
            assertThat(byArray.get(i).topK()).isEqualTo(single.topK());
            assertThat(byRows.get(i).topK()).isEqualTo(single.topK());
        }
    }

    @Test
    void anEmptyLabelSetIsAnErrorThatSaysWhatToDo() {
        assertThatThrownBy(() -> ZeroShotClassifier.classify(new float[3], LabelSet.empty(), 0.01, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty label set");
    }

    @Test
    void mismatchedSizesAndBadParametersAreRejected() {
        assertThatThrownBy(() -> ZeroShotClassifier.classify(new float[4], SHAPES, 0.01, 1))
                .hasMessageContaining("4 dimensions but the label embeddings have 3");
        assertThatThrownBy(() -> ZeroShotClassifier.classifyRows(new float[4], SHAPES, 0.01, 1))
                .hasMessageContaining("not whole rows");
        assertThatThrownBy(() -> ZeroShotClassifier.classify(new float[3], SHAPES, 0, 1))
                .hasMessageContaining("Temperature");
        assertThatThrownBy(() -> ZeroShotClassifier.classify(new float[3], SHAPES, 0.01, 0))
                .hasMessageContaining("k must be at least 1");
        assertThatThrownBy(() -> ZeroShotClassifier.classify(new float[] {Float.NaN, 0, 0}, SHAPES, 0.01, 1))
                .hasMessageContaining("NaN");
    }
}
