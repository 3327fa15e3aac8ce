package dev.edgevl.sync;

import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.serde.RecordDecodingException;
import dev.edgevl.schemas.topics.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the raw messages of one input topic into valid frames for the sync processor. A message that does not
 * decode, or decodes into a frame that cannot be paired, goes byte for byte to the topic's dead-letter topic
 * with the reason in headers, and the stream carries on. Decoding here, not in the source, is what lets a bad
 * message be kept instead of stopping the app.
 *
 * <p>Its two children take different types (frames and raw bytes), hence the untyped output.
 */
final class FrameDecoder implements Processor<byte[], byte[], Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);
    /** A producer with a wrong setting fails every message; the first few say why, later ones only count. */
    private static final int LOGGED_IN_FULL = 10;

    private final FrameSource source;
    private final Deserializer<SensorFrame> deserializer;
    private final String syncNode;
    private final String deadLetterNode;
    private final SyncCounters counters;
    private ProcessorContext<Object, Object> context;
    private long deadLetters;

    FrameDecoder(FrameSource source, Deserializer<SensorFrame> deserializer, String syncNode, String deadLetterNode,
            SyncCounters counters) {
        this.source = source;
        this.deserializer = deserializer;
        this.syncNode = syncNode;
        this.deadLetterNode = deadLetterNode;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(source.topic().name());
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        SensorFrame frame;
        try {
            frame = deserializer.deserialize(topic, record.value());
            FrameValidator.check(frame, key, source);
        } catch (RecordDecodingException | InvalidFrameException e) {
            deadLetter(record, topic, e);
            return;
        }
        context.forward(new Record<>(key, frame, record.timestamp()), syncNode);
    }

    private void deadLetter(Record<byte[], byte[]> record, String topic, RuntimeException error) {
        DeadLetters.Source origin = context.recordMetadata()
                .map(m -> new DeadLetters.Source(m.topic(), m.partition(), m.offset(), record.timestamp()))
                .orElse(new DeadLetters.Source(topic, -1, -1, record.timestamp()));
        Headers headers = DeadLetters.withReason(record.headers(), origin, error, FrameSyncTopology.STAGE,
                Instant.ofEpochMilli(context.currentSystemTimeMs()));
        context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers), deadLetterNode);
        counters.deadLetter();
        deadLetters++;
        if (deadLetters <= LOGGED_IN_FULL) {
            LOG.warn("Frame sync sent a message of {} (partition {}, offset {}) to {}: {}", origin.topic(), origin.partition(),
                    origin.offset(), DeadLetters.topicFor(origin.topic()), error.getMessage());
        } else if (deadLetters % 1_000 == 0) {
            LOG.warn("Frame sync has sent {} messages of {} to {} in this task; the first {} were logged with their reason, "
                    + "the rest are in the dead-letter headers.", deadLetters, origin.topic(), DeadLetters.topicFor(origin.topic()),
                    LOGGED_IN_FULL);
        }
    }
}
