package dev.edgevl.inference;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Sends each {@link Outgoing} to its own topic, key, timestamp and headers unchanged. */
final class OutgoingSerializer implements KafkaRecordSerializationSchema<Outgoing> {
    private static final long serialVersionUID = 1L;

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Outgoing out, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; out.headers != null && i + 1 < out.headers.length; i += 2) {
            headers.add(out.headers[i], out.headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(out.topic, null, out.timestamp, out.key, out.value, headers);
    }
}
