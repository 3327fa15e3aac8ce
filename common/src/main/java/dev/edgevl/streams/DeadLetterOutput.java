package dev.edgevl.streams;

import dev.edgevl.health.ServiceMetrics;
import dev.edgevl.schemas.serde.RecordDecodingException;
import dev.edgevl.schemas.topics.DeadLetters;
import java.time.Instant;
import java.util.Locale;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a Kafka Streams processor gives up on a message: byte for byte to the processor's dead-letter sink, with the
 * reason in {@code edgevl.dlq.*} headers ({@link DeadLetters}), and a log line: the first few in full, later ones only
 * in passing, because a producer with a wrong setting fails every message it sends. The dead letter is forwarded in
 * the processor's own transaction, so with exactly-once it is written if and only if the input is consumed.
 */
public final class DeadLetterOutput {
    /**
     * The reason a metric gives: what was wrong for a record that could not be decoded ({@code invalid_content},
     * {@code unknown_schema} ...), else the error's class.
     */
    public static String reason(Throwable error) {
        return error instanceof RecordDecodingException decoding
                ? decoding.problem().name().toLowerCase(Locale.ROOT)
                : error.getClass().getSimpleName();
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterOutput.class);
    private static final int LOGGED_IN_FULL = 10;

    private final String stage;
    private final String sourceTopic;
    private final String sinkNode;
    private final Runnable onSent;
    private long sent;

    /**
     * @param stage       names the service stage in the headers and the log ("frame-sync")
     * @param sourceTopic the input topic, used when the record's metadata is unknown
     * @param sinkNode    the topology node that writes the dead-letter topic
     * @param onSent      told of every dead letter (a counter)
     */
    public DeadLetterOutput(String stage, String sourceTopic, String sinkNode, Runnable onSent) {
        this.stage = stage;
        this.sourceTopic = sourceTopic;
        this.sinkNode = sinkNode;
        this.onSent = onSent;
    }

    public void send(ProcessorContext<?, ?> context, Record<byte[], byte[]> record, RuntimeException error) {
        DeadLetters.Source origin = context.recordMetadata()
                .map(m -> new DeadLetters.Source(m.topic(), m.partition(), m.offset(), record.timestamp()))
                .orElse(new DeadLetters.Source(sourceTopic, -1, -1, record.timestamp()));
        Headers headers = DeadLetters.withReason(
                record.headers(), origin, error, stage, Instant.ofEpochMilli(context.currentSystemTimeMs()));
        @SuppressWarnings("unchecked")
        ProcessorContext<Object, Object> untyped = (ProcessorContext<Object, Object>) context;
        untyped.forward(
                new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers), sinkNode);
        onSent.run();
        ServiceMetrics.counter(
                        "edgevl.dead.letters",
                        "Records sent to a dead-letter topic, by the stage that sent them, their topic and the reason.",
                        "stage",
                        stage,
                        "topic",
                        origin.topic(),
                        "reason",
                        reason(error))
                .increment();
        sent++;
        if (sent <= LOGGED_IN_FULL) {
            LOG.warn(
                    "The {} stage sent a message of {} (partition {}, offset {}) to {}: {}",
                    stage,
                    origin.topic(),
                    origin.partition(),
                    origin.offset(),
                    DeadLetters.topicFor(origin.topic()),
                    error.getMessage());
        } else if (sent % 1_000 == 0) {
            LOG.warn(
                    "The {} stage has sent {} messages of {} to {} in this task; the first {} were logged with their reason, the rest "
                            + "are in the dead-letter headers.",
                    stage,
                    sent,
                    origin.topic(),
                    DeadLetters.topicFor(origin.topic()),
                    LOGGED_IN_FULL);
        }
    }
}
