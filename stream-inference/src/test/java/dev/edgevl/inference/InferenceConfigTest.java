package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferenceConfigTest {
    @Test
    void engineThreadsLeaveOneCoreToTheSourceAndSinksUnlessSetAndNeverFallBelowOne() {
        InferenceConfig defaults = InferenceConfig.defaults();
        assertThat(defaults.engineThreads(2, 1)).isEqualTo(1);
        assertThat(defaults.engineThreads(16, 1)).isEqualTo(15);
        assertThat(defaults.engineThreads(16, 4)).isEqualTo(3);
        assertThat(defaults.engineThreads(2, 2)).isEqualTo(1);
        assertThat(defaults.engineThreads(1, 1)).isEqualTo(1);

        InferenceConfig set = InferenceConfig.from(Settings.of(Map.of(InferenceConfig.ENGINE_THREADS.key(), "4")));
        assertThat(set.engineThreads(2, 8)).isEqualTo(4);
    }
}
