package dev.edgevl.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The bytes of a message are not a valid record in the configured wire format. Always names the topic,
 * the record type expected and what was wrong, so a dead-letter entry or a log line is enough to act on.
 * It extends Kafka's {@link SerializationException}, which Kafka Streams' and Flink's error handlers expect.
 */
public class RecordDecodingException extends SerializationException {
    /** What was wrong with the bytes. */
    public enum Problem {
        /** Fewer bytes than the format's header, or the body ends early. */
        TRUNCATED,
        /** The first bytes are not the format's marker (often: the producer uses the other wire format). */
        WRONG_MAGIC,
        /** The schema fingerprint or registry id is not known, so the body cannot be read. */
        UNKNOWN_SCHEMA,
        /** The writer schema is known but is another record type (the message went to the wrong topic). */
        WRONG_TYPE,
        /** The header is fine but the body is not a valid record of the writer schema. */
        CORRUPT,
        /** A valid record whose content no reader can use: see {@link RecordContent}. */
        INVALID_CONTENT
    }

    private final String topic;
    private final String recordType;
    private final Problem problem;

    public RecordDecodingException(String topic, String recordType, Problem problem, String detail, Throwable cause) {
        super("Cannot decode a " + recordType + " from topic '" + topic + "': " + detail, cause);
        this.topic = topic;
        this.recordType = recordType;
        this.problem = problem;
    }

    public String topic() {
        return topic;
    }

    public String recordType() {
        return recordType;
    }

    public Problem problem() {
        return problem;
    }
}
