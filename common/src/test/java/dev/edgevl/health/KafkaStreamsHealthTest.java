package dev.edgevl.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class KafkaStreamsHealthTest {

    @Test
    void readyOnlyWhileRunning() {
        assertThat(KafkaStreamsHealth.of("frame sync", "RUNNING", null))
                .isEqualTo(Health.ready("RUNNING", "frame sync is processing."));
        assertThat(KafkaStreamsHealth.of("frame sync", "REBALANCING", null).ready())
                .isFalse();
        assertThat(KafkaStreamsHealth.of("frame sync", "REBALANCING", null).live())
                .isTrue();
        assertThat(KafkaStreamsHealth.of("frame sync", "CREATED", null).live()).isTrue();
        assertThat(KafkaStreamsHealth.of("frame sync", "PENDING_SHUTDOWN", null).live())
                .isTrue();
    }

    @Test
    void notLiveOnceStopped() {
        Health error =
                KafkaStreamsHealth.of("the teacher service", "ERROR", new IllegalStateException("broker fenced us"));
        assertThat(error.live()).isFalse();
        assertThat(error.reason())
                .startsWith("the teacher service stopped on an error")
                .contains("broker fenced us");
        assertThat(KafkaStreamsHealth.of("x", "PENDING_ERROR", null).live()).isFalse();
        assertThat(KafkaStreamsHealth.of("x", "NOT_RUNNING", null).live()).isFalse();
    }

    /** The mapping goes by name, so a state Kafka Streams adds one day must not fall through unnoticed. */
    @Test
    void everyKafkaStreamsStateIsKnown() {
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            assertThat(KafkaStreamsHealth.of("x", state.name(), null).reason())
                    .as(state.name())
                    .doesNotContain("does not know");
            assertThat(KafkaStreamsHealth.of("x", state.name(), null).ready())
                    .as(state.name())
                    .isEqualTo(state == KafkaStreams.State.RUNNING);
        }
    }
}
