package dev.edgevl.model.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InputSpecTest {

    @Test
    void theDefaultIsSixtyFourSquareCentredAtHalfWithAreaResize() {
        InputSpec spec = InputSpec.DEFAULT;

        assertThat(spec.width()).isEqualTo(64);
        assertThat(spec.height()).isEqualTo(64);
        assertThat(spec.channels()).isEqualTo(3);
        assertThat(spec.mean()).containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(spec.std()).containsExactly(0.25f, 0.25f, 0.25f);
        assertThat(spec.resize()).isEqualTo(ResizeMethod.AREA);
        assertThat(spec.size()).isEqualTo(3 * 64 * 64);
    }

    @Test
    void specsAreValuesThatCannotBeChangedThroughTheirArrays() {
        float[] mean = {0.1f, 0.2f, 0.3f};
        InputSpec spec = InputSpec.of(32, 16).withNormalisation(mean, new float[] {1, 1, 1});
        mean[0] = 9;
        spec.mean()[1] = 9;

        assertThat(spec.mean()).containsExactly(0.1f, 0.2f, 0.3f);
        assertThat(spec)
                .isEqualTo(
                        InputSpec.of(32, 16).withNormalisation(new float[] {0.1f, 0.2f, 0.3f}, new float[] {1, 1, 1}));
        assertThat(spec.hashCode())
                .isEqualTo(InputSpec.of(32, 16)
                        .withNormalisation(new float[] {0.1f, 0.2f, 0.3f}, new float[] {1, 1, 1})
                        .hashCode());
        assertThat(spec).isNotEqualTo(spec.withResize(ResizeMethod.BILINEAR));
    }

    @Test
    void nonsenseIsRejectedWithTheReason() {
        assertThatThrownBy(() -> InputSpec.of(0, 64)).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> InputSpec.DEFAULT.withNormalisation(new float[] {0, 0, 0}, new float[] {1, 0, 1}))
                .hasMessageContaining("std values must be finite and positive");
        assertThatThrownBy(() -> InputSpec.DEFAULT.withNormalisation(new float[] {0, 0}, new float[] {1, 1, 1}))
                .hasMessageContaining("one value per channel");
        assertThatThrownBy(() -> new InputSpec(64, 64, 1, new float[3], new float[] {1, 1, 1}, ResizeMethod.AREA))
                .hasMessageContaining("3 input channels");
    }
}
