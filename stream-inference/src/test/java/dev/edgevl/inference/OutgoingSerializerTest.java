package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class OutgoingSerializerTest {
    @Test
    void eachRecordGoesToItsOwnTopicWithItsHeadersAndTheSerializerNamesTheTopicsForProducerPooling() {
        OutgoingSerializer serializer = new OutgoingSerializer("frames.annotated", "teacher.requests");
        ProducerRecord<byte[], byte[]> r = serializer.serialize(
                new Outgoing("frames.annotated", new byte[] {1}, new byte[] {2}, 42L, Map.of("edgevl.pair", "d/s/7")),
                null,
                null);
        assertThat(r.topic()).isEqualTo("frames.annotated");
        assertThat(r.timestamp()).isEqualTo(42L);
        assertThat(new String(r.headers().lastHeader("edgevl.pair").value(), StandardCharsets.UTF_8))
                .isEqualTo("d/s/7");

        assertThat(serializer.getKafkaDatasetFacet())
                .map(KafkaDatasetFacet::getTopicIdentifier)
                .hasValueSatisfying(
                        id -> assertThat(id.getTopics()).containsExactly("frames.annotated", "teacher.requests"));
        assertThat(new OutgoingSerializer().getKafkaDatasetFacet()).isEmpty();
    }
}
