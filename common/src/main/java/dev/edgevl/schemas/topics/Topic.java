package dev.edgevl.schemas.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A topic of the contract: its name, key and value types, and how it is laid out on the cluster.
 * The wire format of the value is not part of the topic; {@link dev.edgevl.schemas.serde.AvroSerdes}
 * gives the serdes for the configured one.
 */
public final class Topic<K, V> {
    /** Suffix of the dead-letter topic that goes with every topic of the catalogue. */
    public static final String DLQ_SUFFIX = ".dlq";

    static final String MAX_MESSAGE_BYTES = "max.message.bytes";

    private final String name;
    private final Class<K> keyType;
    private final Class<V> valueType;
    private final int partitions;
    private final CleanupPolicy cleanupPolicy;
    private final Duration retention;
    private final Map<String, String> extraConfigs;
    private final String description;

    private Topic(
            String name,
            Class<K> keyType,
            Class<V> valueType,
            int partitions,
            CleanupPolicy cleanupPolicy,
            Duration retention,
            Map<String, String> extraConfigs,
            String description) {
        this.name = Objects.requireNonNull(name);
        this.keyType = Objects.requireNonNull(keyType);
        this.valueType = Objects.requireNonNull(valueType);
        if (partitions < 1) {
            throw new IllegalArgumentException("A topic needs at least one partition: " + name);
        }
        this.partitions = partitions;
        this.cleanupPolicy = Objects.requireNonNull(cleanupPolicy);
        this.retention = retention;
        this.extraConfigs = Map.copyOf(extraConfigs);
        this.description = Objects.requireNonNull(description);
    }

    /** A delete-policy topic with broker-default retention and one partition; refine with the {@code with*} methods. */
    public static <K, V> Topic<K, V> of(String name, Class<K> keyType, Class<V> valueType, String description) {
        return new Topic<>(name, keyType, valueType, 1, CleanupPolicy.DELETE, null, Map.of(), description);
    }

    public Topic<K, V> withPartitions(int count) {
        return new Topic<>(name, keyType, valueType, count, cleanupPolicy, retention, extraConfigs, description);
    }

    public Topic<K, V> compacted() {
        return new Topic<>(
                name, keyType, valueType, partitions, CleanupPolicy.COMPACT, null, extraConfigs, description);
    }

    public Topic<K, V> withRetention(Duration time) {
        if (cleanupPolicy == CleanupPolicy.COMPACT) {
            throw new IllegalStateException(
                    "A compacted topic keeps the latest record per key; it has no retention time: " + name);
        }
        return new Topic<>(name, keyType, valueType, partitions, cleanupPolicy, time, extraConfigs, description);
    }

    public Topic<K, V> withConfig(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(extraConfigs);
        more.put(key, value);
        return new Topic<>(name, keyType, valueType, partitions, cleanupPolicy, retention, more, description);
    }

    /**
     * The dead-letter topic for this one: same name plus {@value #DLQ_SUFFIX}, raw bytes kept as they
     * came, with the reason in headers ({@link DeadLetters}). Kept two weeks so someone can look.
     */
    public Topic<byte[], byte[]> deadLetter() {
        // A dead letter is as large as the message it keeps, so it inherits the source's size limit.
        Map<String, String> configs = extraConfigs.containsKey(MAX_MESSAGE_BYTES)
                ? Map.of(MAX_MESSAGE_BYTES, extraConfigs.get(MAX_MESSAGE_BYTES))
                : Map.of();
        return new Topic<>(
                name + DLQ_SUFFIX,
                byte[].class,
                byte[].class,
                1,
                CleanupPolicy.DELETE,
                Duration.ofDays(14),
                configs,
                "Messages of " + name + " that could not be processed, with the reason in headers.");
    }

    public String name() {
        return name;
    }

    public Class<K> keyType() {
        return keyType;
    }

    public Class<V> valueType() {
        return valueType;
    }

    public int partitions() {
        return partitions;
    }

    public CleanupPolicy cleanupPolicy() {
        return cleanupPolicy;
    }

    /** Empty when the broker's default applies (and always for compacted topics). */
    public Optional<Duration> retention() {
        return Optional.ofNullable(retention);
    }

    public String description() {
        return description;
    }

    /** The topic-level configs to create it with. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", cleanupPolicy.kafkaName());
        retention().ifPresent(r -> configs.put("retention.ms", Long.toString(r.toMillis())));
        configs.putAll(extraConfigs);
        return configs;
    }

    @Override
    public String toString() {
        return name;
    }
}
