package dev.edgevl.sync;

import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.serde.RecordDecodingException;
import dev.edgevl.streams.DeadLetterOutput;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Turns the raw messages of one input topic into valid frames for the sync processor. A message that does not
 * decode, or decodes into a frame that cannot be paired, goes byte for byte to the topic's dead-letter topic
 * with the reason in headers, and the stream carries on. Decoding here, not in the source, is what lets a bad
 * message be kept instead of stopping the app.
 *
 * <p>Its two children take different types (frames and raw bytes), hence the untyped output.
 */
final class FrameDecoder implements Processor<byte[], byte[], Object, Object> {
    private final FrameSource source;
    private final Deserializer<SensorFrame> deserializer;
    private final String syncNode;
    private final DeadLetterOutput deadLetters;
    private ProcessorContext<Object, Object> context;

    FrameDecoder(
            FrameSource source,
            Deserializer<SensorFrame> deserializer,
            String syncNode,
            String deadLetterNode,
            SyncCounters counters) {
        this.source = source;
        this.deserializer = deserializer;
        this.syncNode = syncNode;
        this.deadLetters = new DeadLetterOutput(
                FrameSyncTopology.STAGE, source.topic().name(), deadLetterNode, counters::deadLetter);
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata()
                .map(RecordMetadata::topic)
                .orElse(source.topic().name());
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        SensorFrame frame;
        try {
            frame = deserializer.deserialize(topic, record.value());
            FrameValidator.check(frame, key, source);
        } catch (RecordDecodingException | InvalidFrameException e) {
            deadLetters.send(context, record, e);
            return;
        }
        context.forward(new Record<>(key, frame, record.timestamp()), syncNode);
    }
}
