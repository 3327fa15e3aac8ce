package dev.edgevl.schemas.topics;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter convention: a message that cannot be processed goes, bytes untouched, to
 * {@code <source topic>.dlq} with its original headers plus these, so nothing is lost and the reason
 * travels with it. Pure functions: Kafka Streams processors send through {@code dev.edgevl.streams.DeadLetterOutput},
 * the Flink job through its own sink with {@link #headers}, and a plain producer sends {@link #record}.
 */
public final class DeadLetters {
    public static final String PREFIX = "edgevl.dlq.";
    public static final String ERROR_CLASS = PREFIX + "error.class";
    public static final String ERROR_MESSAGE = PREFIX + "error.message";
    public static final String SOURCE_TOPIC = PREFIX + "source.topic";
    public static final String SOURCE_PARTITION = PREFIX + "source.partition";
    public static final String SOURCE_OFFSET = PREFIX + "source.offset";
    public static final String SOURCE_TIMESTAMP = PREFIX + "source.timestamp";
    public static final String FAILED_AT = PREFIX + "failed.at";
    public static final String STAGE = PREFIX + "stage";

    /** Headers are not meant for novels; a full stack trace belongs in the log, not here. */
    static final int MAX_MESSAGE_CHARS = 4_000;

    private DeadLetters() {}

    public static String topicFor(String sourceTopic) {
        return sourceTopic + Topic.DLQ_SUFFIX;
    }

    /** Where a failed message came from. Partition and offset are -1 when the stage does not know them. */
    public record Source(String topic, int partition, long offset, Long timestampMs) {
        public static Source of(ConsumerRecord<?, ?> record) {
            return new Source(record.topic(), record.partition(), record.offset(), record.timestamp());
        }
    }

    /** The dead-letter record for a failed message: same key, value and headers, plus the reason. */
    public static ProducerRecord<byte[], byte[]> record(
            Source source,
            byte[] key,
            byte[] value,
            Headers original,
            Throwable error,
            String stage,
            Instant failedAt) {
        return new ProducerRecord<>(
                topicFor(source.topic()), null, key, value, withReason(original, source, error, stage, failedAt));
    }

    /** The failed message's own headers (may be null) plus the reason, for stages that forward the dead letter themselves. */
    public static Headers withReason(Headers original, Source source, Throwable error, String stage, Instant failedAt) {
        Headers headers = new RecordHeaders();
        if (original != null) {
            for (Header header : original) {
                if (!header.key().startsWith(PREFIX)) { // a message failing twice keeps only the latest reason
                    headers.add(header);
                }
            }
        }
        headers(source, error, stage, failedAt).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    public static ProducerRecord<byte[], byte[]> record(
            ConsumerRecord<byte[], byte[]> failed, Throwable error, String stage) {
        return record(Source.of(failed), failed.key(), failed.value(), failed.headers(), error, stage, Instant.now());
    }

    /** The reason headers, as text. */
    public static Map<String, String> headers(Source source, Throwable error, String stage, Instant failedAt) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ERROR_CLASS, error.getClass().getName());
        headers.put(ERROR_MESSAGE, describe(error));
        headers.put(SOURCE_TOPIC, source.topic());
        headers.put(SOURCE_PARTITION, Integer.toString(source.partition()));
        headers.put(SOURCE_OFFSET, Long.toString(source.offset()));
        if (source.timestampMs() != null && source.timestampMs() >= 0) {
            headers.put(SOURCE_TIMESTAMP, Long.toString(source.timestampMs()));
        }
        headers.put(FAILED_AT, failedAt.toString());
        if (stage != null) {
            headers.put(STAGE, stage);
        }
        return headers;
    }

    /** The error's message followed by its causes' ("… caused by …"), cut to a sane length. */
    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        Throwable t = error;
        int depth = 0;
        while (t != null && depth < 5) {
            if (depth > 0) {
                text.append(" | caused by ")
                        .append(t.getClass().getSimpleName())
                        .append(": ");
            }
            text.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
            t = t.getCause() == t ? null : t.getCause();
            depth++;
        }
        return text.length() <= MAX_MESSAGE_CHARS ? text.toString() : text.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
    }

    /** Reads one reason header back, e.g. for a tool that lists dead letters. */
    public static Optional<String> header(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
