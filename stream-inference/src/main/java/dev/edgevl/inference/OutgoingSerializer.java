package dev.edgevl.inference;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Sends each {@link Outgoing} to its own topic, key, timestamp and headers unchanged. It names the topics it writes, so
 * the exactly-once sink can pool its transactional producers (which wants to know them to abort what a crash left).
 */
public final class OutgoingSerializer implements KafkaRecordSerializationSchema<Outgoing>, KafkaDatasetFacetProvider {
    private static final long serialVersionUID = 1L;
    private final List<String> topics;

    /** @param topics every topic the records may go to */
    public OutgoingSerializer(String... topics) {
        this.topics = List.of(topics);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Outgoing out, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; out.headers != null && i + 1 < out.headers.length; i += 2) {
            headers.add(out.headers[i], out.headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        // Event time where the writer's clock allows it; never ahead of this one, which the broker may refuse.
        long at = Math.min(out.timestamp, System.currentTimeMillis());
        return new ProducerRecord<>(out.topic, null, at, out.key, out.value, headers);
    }

    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return topics.isEmpty()
                ? Optional.empty()
                : Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(topics)));
    }
}
