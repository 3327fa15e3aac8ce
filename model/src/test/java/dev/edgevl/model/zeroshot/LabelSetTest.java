package dev.edgevl.model.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSetTest {

    private static Map<String, float[]> shapes() {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("sphere", new float[] {0, 1, 0});
        m.put("cube", new float[] {1, 0, 0});
        m.put("torus", new float[] {0, 0, 2});
        return m;
    }

    @Test
    void labelsAreSortedAndEmbeddingsNormalized() {
        LabelSet set = LabelSet.of(shapes());

        assertThat(set.labels()).containsExactly("cube", "sphere", "torus");
        assertThat(set.size()).isEqualTo(3);
        assertThat(set.dim()).isEqualTo(3);
        assertThat(set.embedding("torus")).containsExactly(0, 0, 1);
        assertThat(set.matrix()).containsExactly(1, 0, 0, 0, 1, 0, 0, 0, 1);
        assertThat(set.indexOf("sphere")).isEqualTo(1);
        assertThat(set.indexOf("cone")).isEqualTo(-1);
    }

    @Test
    void theVersionIsAHexSha256ThatDoesNotDependOnArrivalOrder() {
        Map<String, float[]> reversed = new LinkedHashMap<>();
        reversed.put("torus", new float[] {0, 0, 2});
        reversed.put("cube", new float[] {1, 0, 0});
        reversed.put("sphere", new float[] {0, 1, 0});

        LabelSet set = LabelSet.of(shapes());

        assertThat(set.version()).matches("[0-9a-f]{64}");
        assertThat(LabelSet.of(reversed).version()).isEqualTo(set.version());
        assertThat(LabelSet.of(reversed)).isEqualTo(set);
        assertThat(LabelSet.empty()
                        .with("torus", new float[] {0, 0, 1})
                        .with("cube", new float[] {1, 0, 0})
                        .with("sphere", new float[] {0, 1, 0})
                        .version())
                .isEqualTo(set.version());
    }

    @Test
    void theVersionChangesWhenAnEmbeddingOrALabelChanges() {
        LabelSet set = LabelSet.of(shapes());

        assertThat(set.with("cube", new float[] {1, 0.01f, 0}).version()).isNotEqualTo(set.version());
        assertThat(set.without("cube").version()).isNotEqualTo(set.version());
        Map<String, float[]> renamed = shapes();
        renamed.put("box", renamed.remove("cube"));
        assertThat(LabelSet.of(renamed).version()).isNotEqualTo(set.version());
    }

    @Test
    void theVersionHashesNormalizedEmbeddingsSoScaleDoesNotMatter() {
        Map<String, float[]> scaled = shapes();
        scaled.put("cube", new float[] {7, 0, 0});

        assertThat(LabelSet.of(scaled).version())
                .isEqualTo(LabelSet.of(shapes()).version());
    }

    @Test
    void setsAreImmutable() {
        Map<String, float[]> source = shapes();
        LabelSet set = LabelSet.of(source);
        source.get("cube")[0] = -1;
        set.embedding("cube")[0] = -1;
        set.matrix()[0] = -1;

        LabelSet bigger = set.with("cone", new float[] {1, 1, 0});

        assertThat(set.embedding("cube")).containsExactly(1, 0, 0);
        assertThat(set.size()).isEqualTo(3);
        assertThat(bigger.labels()).containsExactly("cone", "cube", "sphere", "torus");
        assertThat(bigger.without("cone")).isEqualTo(set);
        assertThat(set.without("cone")).isSameAs(set);
    }

    @Test
    void theEmptySetHasNoDimensionUntilItsFirstLabel() {
        LabelSet empty = LabelSet.of(Map.of());

        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.dim()).isZero();
        assertThat(empty.version()).matches("[0-9a-f]{64}");
        assertThat(empty.with("cube", new float[] {1, 0}).dim()).isEqualTo(2);
        assertThat(LabelSet.of(Map.of("cube", new float[] {1})).without("cube")).isEqualTo(empty);
    }

    @Test
    void badEmbeddingsAreRejectedWithTheLabelNamed() {
        LabelSet set = LabelSet.of(shapes());

        assertThatThrownBy(() -> set.with("cone", new float[] {1, 0}))
                .hasMessageContaining("'cone' has a 2-dimensional embedding but the set's are 3-dimensional");
        assertThatThrownBy(() -> set.with("cone", new float[3])).hasMessageContaining("all-zero");
        assertThatThrownBy(() -> set.with("cone", new float[] {Float.NaN, 0, 0}))
                .hasMessageContaining("non-finite");
        assertThatThrownBy(() -> set.with(" ", new float[] {1, 0, 0})).hasMessageContaining("non-blank");
        assertThatThrownBy(() -> set.embedding("cone")).hasMessageContaining("No label 'cone'");
    }
}
