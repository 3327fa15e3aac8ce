package dev.edgevl.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.model.zeroshot.LabelSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PseudoLabelsTest {
    private final LabelSet labels = LabelSet.of(
            Map.of("cube", new float[] {1, 0, 0}, "sphere", new float[] {0, 1, 0}, "cone", new float[] {0, 0, 1}));

    private static float[] unit(float x, float y, float z) {
        float n = (float) Math.sqrt(x * x + y * y + z * z);
        return new float[] {x / n, y / n, z / n};
    }

    @Test
    void keepsTheTeachersMostConfidentQuarterWithItsTop1() {
        float[][] teacher = {
            unit(1f, 0.9f, 0.9f), // barely a cube
            unit(0f, 1f, 0f), // clearly a sphere
            unit(0.5f, 0.5f, 0.6f), // a guess
            unit(0f, 0.1f, 1f), // clearly a cone
            unit(0.7f, 0.6f, 0f),
            unit(0.2f, 0.3f, 0.25f),
            unit(1f, 0f, 0.05f), // clearly a cube
            unit(0.4f, 0.45f, 0.4f)
        };
        List<PseudoLabels.Pick> picks = PseudoLabels.select(teacher, labels, 0.25, 0.1);
        assertThat(picks).hasSize(2);
        assertThat(picks).extracting(PseudoLabels.Pick::sample).containsExactlyInAnyOrder(1, 6);
        assertThat(picks.get(0).confidence())
                .isGreaterThanOrEqualTo(picks.get(1).confidence());
        PseudoLabels.Pick sphere =
                picks.stream().filter(p -> p.sample() == 1).findFirst().orElseThrow();
        assertThat(labels.label(sphere.label())).isEqualTo("sphere");
    }

    @Test
    void alwaysKeepsOneAndRefusesNonsense() {
        assertThat(PseudoLabels.select(new float[][] {unit(1, 0, 0)}, labels, 0.25, 0.01))
                .hasSize(1);
        assertThat(PseudoLabels.select(new float[0][], labels, 0.25, 0.01)).isEmpty();
        assertThatThrownBy(() -> PseudoLabels.select(new float[0][], labels, 0, 0.01))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
