package dev.edgevl.device.agent;

import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One producer to {@code fleet.status} for all the devices of a process, keyed by device. */
public final class KafkaStatusSink implements StatusSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaStatusSink.class);

    private final Producer<String, DeviceStatus> producer;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    public KafkaStatusSink(Map<String, Object> clientProperties, AvroSerdes serdes) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "edgevl-agent-status");
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(
                props,
                new StringSerializer(),
                serdes.valueSerde(Topics.FLEET_STATUS).serializer());
    }

    @Override
    public void report(DeviceStatus status) {
        producer.send(
                new ProducerRecord<>(Topics.FLEET_STATUS.name(), status.getDeviceId(), status), (metadata, error) -> {
                    if (error == null) {
                        sent.incrementAndGet();
                    } else if (failures.getAndIncrement() % 100 == 0) {
                        LOG.warn(
                                "Could not report the status of {} to {} ({} failures so far): {}",
                                status.getDeviceId(),
                                Topics.FLEET_STATUS.name(),
                                failures.get(),
                                error.getMessage());
                    }
                });
    }

    public long sent() {
        return sent.get();
    }

    public long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        producer.flush();
        producer.close(Duration.ofSeconds(10));
    }
}
