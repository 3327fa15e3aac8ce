package dev.edgevl.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;

class BrokerPropertiesTest {

    private static final Path LOG_DIR = Path.of("data", "kafka-logs");

    private static Map<String, String> build(Map<String, String> overrides) {
        return BrokerProperties.of("127.0.0.1", 40123, 40124, LOG_DIR, Duration.ofSeconds(60), overrides);
    }

    @Test
    void combinedNodeWithStaticQuorumAndSeparateListeners() {
        Map<String, String> p = build(Map.of());

        assertThat(p)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("node.id", "1")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:40124")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:40123,CONTROLLER://127.0.0.1:40124")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:40123")
                .containsEntry("controller.listener.names", "CONTROLLER")
                .containsEntry("inter.broker.listener.name", "PLAINTEXT")
                .containsEntry("log.dirs", LOG_DIR.toAbsolutePath().toString())
                .doesNotContainKey("controller.quorum.bootstrap.servers");
    }

    @Test
    void internalTopicsFitOneBroker() {
        assertThat(build(Map.of()))
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("share.coordinator.state.topic.min.isr", "1")
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("num.partitions", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0");
    }

    @Test
    void startupTimeoutBoundsKafkasOwnStartup() {
        Map<String, String> p = BrokerProperties.of("127.0.0.1", 1, 2, LOG_DIR, Duration.ofSeconds(7), Map.of());
        assertThat(p).containsEntry("server.max.startup.time.ms", "7000");
    }

    @Test
    void everyKeyIsOneKafkaKnows() {
        // A misspelt key is silently ignored by Kafka, so check the names against its own definition.
        assertThat(KafkaConfig.configDef().names()).containsAll(build(Map.of()).keySet());
    }

    @Test
    void kafkaAcceptsTheWholeConfiguration() {
        KafkaConfig config = KafkaConfig.fromProps(BrokerProperties.toProperties(build(Map.of())), false);

        assertThat(config.nodeId()).isEqualTo(1);
        assertThat(config.metadataLogDir()).isEqualTo(LOG_DIR.toAbsolutePath().toString());
        assertThat(config.autoCreateTopicsEnable()).isFalse();
    }

    @Test
    void overridesWin() {
        Map<String, String> p = build(Map.of("num.partitions", "3", "message.max.bytes", "8388608"));

        assertThat(p).containsEntry("num.partitions", "3").containsEntry("message.max.bytes", "8388608");
    }

    @Test
    void ipv6HostIsBracketed() {
        Map<String, String> p = BrokerProperties.of("::1", 9092, 9093, LOG_DIR, Duration.ofSeconds(60), Map.of());

        assertThat(p)
                .containsEntry("advertised.listeners", "PLAINTEXT://[::1]:9092")
                .containsEntry("controller.quorum.voters", "1@[::1]:9093");
    }

    @Test
    void portsMustBeChosenFirst() {
        assertThatThrownBy(() -> BrokerProperties.of("127.0.0.1", 0, 9093, LOG_DIR, Duration.ofSeconds(1), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ports must be chosen");
    }
}
