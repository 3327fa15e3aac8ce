package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Latency readers on a real broker. */
class VisibleLatencyIT {
    @Test
    void twoReadersOfOneTopicEachSeeEveryPartition() throws Exception {
        int devices = 12;
        int perDevice = 5;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                AvroSerdes serdes = AvroSerdes.singleObject()) {
            TopicInstaller.ensureCatalogue(kafka.bootstrapServers());
            Duration window = Duration.ofMinutes(1);
            VisibleLatency uncommitted = new VisibleLatency(kafka.bootstrapServers(), serdes, window);
            VisibleLatency committed =
                    new VisibleLatency(kafka.bootstrapServers(), serdes, Topics.FRAMES_ANNOTATED, true, window);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    "bootstrap.servers",
                    kafka.bootstrapServers(),
                    "key.serializer",
                    ByteArraySerializer.class,
                    "value.serializer",
                    ByteArraySerializer.class))) {
                uncommitted.awaitAssigned(Duration.ofSeconds(30));
                committed.awaitAssigned(Duration.ofSeconds(30));
                var encode = serdes.valueSerde(Topics.FRAMES_ANNOTATED).serializer();
                for (int d = 0; d < devices; d++) {
                    String device = "dev-" + d;
                    for (int seq = 0; seq < perDevice; seq++) {
                        producer.send(new ProducerRecord<>(
                                Topics.FRAMES_ANNOTATED.name(),
                                device.getBytes(StandardCharsets.UTF_8),
                                encode.serialize(
                                        Topics.FRAMES_ANNOTATED.name(),
                                        Records.annotation(device, seq, seq, "cube", null, false, 1L))));
                    }
                }
                producer.flush();
                long total = (long) devices * perDevice;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while ((uncommitted.overall().count() < total
                                || committed.overall().count() < total)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(uncommitted.overall().count()).as("read_uncommitted").isEqualTo(total);
                assertThat(committed.overall().count()).as("read_committed").isEqualTo(total);
            } finally {
                uncommitted.close();
                committed.close();
            }
        }
    }
}
