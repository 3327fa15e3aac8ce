package dev.edgevl.model.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingsTest {

    @Test
    void normalizingGivesUnitLengthAndLeavesTheArgumentAlone() {
        float[] v = {3, 4};

        assertThat(Embeddings.l2Normalize(v)).containsExactly(0.6f, 0.8f);
        assertThat(v).containsExactly(3, 4);
    }

    @Test
    void aZeroVectorNormalizesToZerosNotNaN() {
        assertThat(Embeddings.l2Normalize(new float[3])).containsExactly(0, 0, 0);
        assertThat(Embeddings.cosine(new float[] {0, 0}, new float[] {1, 0})).isZero();
    }

    @Test
    void cosineIgnoresLength() {
        assertThat(Embeddings.cosine(new float[] {2, 0}, new float[] {5, 5})).isCloseTo(Math.sqrt(0.5), within(1e-12));
        assertThat(Embeddings.cosine(new float[] {1, 2}, new float[] {-2, -4})).isCloseTo(-1, within(1e-12));
        assertThat(Embeddings.dot(new float[] {1, 2}, new float[] {3, 4})).isEqualTo(11);
    }

    @Test
    void vectorsOfDifferentSizesDoNotMix() {
        assertThatThrownBy(() -> Embeddings.dot(new float[2], new float[3])).hasMessageContaining("2 vs 3");
        assertThatThrownBy(() -> Embeddings.mean(List.of(new float[2], new float[3])))
                .hasMessageContaining("differ");
    }

    @Test
    void meanIsElementWise() {
        assertThat(Embeddings.mean(List.of(new float[] {1, 2}, new float[] {3, 6})))
                .containsExactly(2, 4);
    }

    @Test
    void promptAveragingWeighsEveryTemplateTheSameAndNormalizes() {
        // a long and a short template embedding at right angles: plain mean would lean to the long one
        float[] averaged = Embeddings.averagePromptEmbeddings(List.of(new float[] {10, 0}, new float[] {0, 1}));

        assertThat(averaged[0]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        assertThat(averaged[1]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        assertThat(Embeddings.norm(averaged)).isCloseTo(1, within(1e-6));
    }

    @Test
    void oneTemplateAveragesToItsOwnDirection() {
        assertThat(Embeddings.averagePromptEmbeddings(List.of(new float[] {0, 0, 2})))
                .containsExactly(0, 0, 1);
        assertThatThrownBy(() -> Embeddings.averagePromptEmbeddings(List.of())).hasMessageContaining("at least one");
    }
}
