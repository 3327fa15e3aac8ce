package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

class InferenceMetricsTest {
    @Test
    void aBatchSplitsItsTimeIntoModelPostProcessingAndEmitting() {
        InferenceMetrics m = new InferenceMetrics(new UnregisteredMetricsGroup(), () -> 1, () -> 2, () -> 0, () -> 1.0);
        m.batch(32, 1_000_000, 1_300_000, 200_000);
        m.batch(16, 500_000, 600_000, 100_000);

        assertThat(m.modelNanos.getCount()).isEqualTo(1_500_000);
        assertThat(m.postprocessNanos.getCount())
                .as("the batch's annotate time less the model's")
                .isEqualTo(400_000);
        assertThat(m.emitNanos.getCount()).isEqualTo(300_000);
    }
}
