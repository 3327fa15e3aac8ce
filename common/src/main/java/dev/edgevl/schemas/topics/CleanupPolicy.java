package dev.edgevl.schemas.topics;

/** Kafka's {@code cleanup.policy}. */
public enum CleanupPolicy {
    /** Old segments are deleted after the retention time. */
    DELETE("delete"),
    /** Only the latest record per key is kept, forever; a null value (tombstone) removes the key. */
    COMPACT("compact");

    private final String kafkaName;

    CleanupPolicy(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }
}
