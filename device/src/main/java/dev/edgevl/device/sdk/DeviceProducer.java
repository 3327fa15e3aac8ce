package dev.edgevl.device.sdk;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.health.ServiceMetrics;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.Topics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The device SDK: publishes a device's frames (RGB to frames.rgb, every other modality to frames.aux)
 * or frames it already synchronized itself (to frames.paired), keyed by device id. Idempotent and
 * compressed; memory is bounded by an {@link InFlightLimiter}, so a device that outpaces Kafka slows
 * down instead of growing a queue. Thread-safe.
 */
public final class DeviceProducer implements AutoCloseable {
    private final Producer<String, byte[]> producer;
    private final KafkaClientMetrics producerMetrics;
    private final Serializer<SensorFrame> frames;
    private final Serializer<FramePair> pairs;
    private final InFlightLimiter limiter;
    private final DeviceProducerConfig config;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public DeviceProducer(DeviceProducerConfig config, AvroSerdes serdes) {
        this(
                new KafkaProducer<>(config.clientProperties(), new StringSerializer(), new ByteArraySerializer()),
                config,
                serdes);
    }

    DeviceProducer(Producer<String, byte[]> producer, DeviceProducerConfig config, AvroSerdes serdes) {
        this.producer = producer;
        this.producerMetrics = ServiceMetrics.kafkaClient(producer);
        this.config = config;
        this.frames = serdes.valueSerde(Topics.FRAMES_RGB).serializer();
        this.pairs = serdes.valueSerde(Topics.FRAMES_PAIRED).serializer();
        this.limiter = new InFlightLimiter(config.maxInFlightBytes());
    }

    /** The topic a frame of this modality goes to. */
    public static Topic<String, SensorFrame> topicFor(Modality modality) {
        return modality == Modality.RGB ? Topics.FRAMES_RGB : Topics.FRAMES_AUX;
    }

    /** Sends one sensor frame; waits while too much is in flight. The future completes when Kafka has it. */
    public CompletableFuture<RecordMetadata> send(SensorFrame frame) throws InterruptedException {
        String topic = topicFor(frame.getModality()).name();
        return send(
                topic,
                frame.getDeviceId(),
                frames.serialize(topic, frame),
                frame.getCaptureTime().toEpochMilli());
    }

    /** Sends a pair the device synchronized itself; it is marked as such. */
    public CompletableFuture<RecordMetadata> send(FramePair pair) throws InterruptedException {
        FramePair marked = pair.getOrigin() == PairOrigin.DEVICE
                ? pair
                : FramePair.newBuilder(pair).setOrigin(PairOrigin.DEVICE).build();
        String topic = Topics.FRAMES_PAIRED.name();
        return send(
                topic,
                marked.getDeviceId(),
                pairs.serialize(topic, marked),
                marked.getAux().getCaptureTime().toEpochMilli());
    }

    /**
     * The record timestamp is the capture time, so stream processors reading several topics see them
     * in capture order, as when catching up on a backlog.
     */
    private CompletableFuture<RecordMetadata> send(String topic, String key, byte[] value, long timestampMs)
            throws InterruptedException {
        long bytes = value.length + key.length();
        limiter.acquire(bytes, config.maxBlock());
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, null, timestampMs, key, value), (metadata, error) -> {
                limiter.release(bytes);
                if (error == null) {
                    sent.incrementAndGet();
                    done.complete(metadata);
                } else {
                    failed.incrementAndGet();
                    done.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            limiter.release(bytes);
            failed.incrementAndGet();
            throw e;
        }
        return done;
    }

    public long acknowledged() {
        return sent.get();
    }

    public long failures() {
        return failed.get();
    }

    public long inFlightBytes() {
        return limiter.inFlightBytes();
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producerMetrics.close();
        producer.close();
    }
}
