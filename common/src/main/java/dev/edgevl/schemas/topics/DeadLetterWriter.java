package dev.edgevl.schemas.topics;

import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends failed messages to their dead-letter topic through a producer the caller owns (and so
 * controls: a transactional producer makes the dead letter part of the caller's transaction).
 */
public final class DeadLetterWriter {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final Producer<byte[], byte[]> producer;
    private final String stage;

    /** {@code stage} names the component that gave up on the message (e.g. "frame-sync"); it goes in a header. */
    public DeadLetterWriter(Producer<byte[], byte[]> producer, String stage) {
        this.producer = producer;
        this.stage = stage;
    }

    public Future<RecordMetadata> send(ConsumerRecord<byte[], byte[]> failed, Throwable error) {
        LOG.warn("{} sent a message of {} (partition {}, offset {}) to {}: {}", stage, failed.topic(), failed.partition(),
                failed.offset(), DeadLetters.topicFor(failed.topic()), error.getMessage());
        return producer.send(DeadLetters.record(failed, error, stage));
    }
}
