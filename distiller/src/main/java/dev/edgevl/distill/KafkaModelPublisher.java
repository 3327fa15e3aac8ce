package dev.edgevl.distill;

import dev.edgevl.avro.ModelVersion;
import dev.edgevl.health.ServiceMetrics;
import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes to the {@code models} topic with an idempotent producer, waiting for every in-sync replica. */
public final class KafkaModelPublisher implements ModelPublisher, AutoCloseable {
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<String, ModelVersion> producer;
    private final KafkaClientMetrics producerMetrics;

    public KafkaModelPublisher(Map<String, Object> clientProperties, AvroSerdes serdes) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MODEL_MESSAGE_BYTES);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        producer = new KafkaProducer<>(
                props, new StringSerializer(), serdes.valueSerde(Topics.MODELS).serializer());
        producerMetrics = ServiceMetrics.kafkaClient(producer);
    }

    @Override
    public void publish(ModelVersion record) throws Exception {
        RecordMetadata meta = producer.send(new ProducerRecord<>(Topics.MODELS.name(), Rollouts.keyOf(record), record))
                .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (meta == null) {
            throw new IllegalStateException(
                    "the broker did not acknowledge " + record.getFamily() + " v" + record.getVersion());
        }
    }

    @Override
    public void close() {
        producerMetrics.close();
        producer.close(Duration.ofSeconds(5));
    }
}
