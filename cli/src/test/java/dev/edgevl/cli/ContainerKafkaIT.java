package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The topics command against Kafka as users run it, the official broker image, where Docker is
 * available. Without Docker the class is skipped; the embedded broker covers the same path.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaIT {
    private static final int TOPIC_COUNT =
            dev.edgevl.schemas.topics.Topics.withDeadLetters().size();

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.2.1");

    @Test
    void topicsCreateWorksOnAStockBroker() {
        EdgevlTest.Run first = EdgevlTest.run("topics", "create", "--bootstrap", KAFKA.getBootstrapServers());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("Topics: " + TOPIC_COUNT + " created");
        EdgevlTest.Run again = EdgevlTest.run("topics", "create", "--bootstrap", KAFKA.getBootstrapServers());
        assertThat(again.out()).contains("Topics: 0 created, " + TOPIC_COUNT + " already there.");
    }
}
