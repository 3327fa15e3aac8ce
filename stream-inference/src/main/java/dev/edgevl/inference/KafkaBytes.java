package dev.edgevl.inference;

import java.nio.charset.StandardCharsets;

/**
 * A Kafka record as it was read, undecoded: the job decodes values where it can send a failure to the dead-letter
 * topic with the reason, instead of failing inside the source. A Flink POJO (public fields, no-argument constructor)
 * so Flink serializes it without Kryo.
 */
public class KafkaBytes {
    public String topic;
    public int partition;
    public long offset;
    /** The record's timestamp, ms. */
    public long timestamp;

    public byte[] key;
    /** Null for a tombstone. */
    public byte[] value;

    public KafkaBytes() {}

    public KafkaBytes(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
    }

    /** The key as text (device id, label, model family), or null when there is none. */
    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
