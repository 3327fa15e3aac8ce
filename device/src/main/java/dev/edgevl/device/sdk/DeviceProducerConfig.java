package dev.edgevl.device.sdk;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** How a device publishes: its typed settings, defaults tuned for small frames at tens of frames per second. */
public record DeviceProducerConfig(Map<String, Object> clientProperties, long maxInFlightBytes, Duration maxBlock) {
    public static final ConfigOption<Long> MAX_IN_FLIGHT_BYTES = ConfigOption.longInteger(
            "device.max-in-flight-bytes",
            16L << 20,
            "Bytes a device may have sent but not yet acknowledged; beyond it, sending waits (back-pressure).");
    public static final ConfigOption<Duration> MAX_BLOCK = ConfigOption.duration(
            "device.max-block",
            Duration.ofSeconds(30),
            "How long a send may wait for room before it fails with a clear error.");
    public static final ConfigOption<String> COMPRESSION = ConfigOption.string(
            "device.compression", "lz4", "Compression of produced batches: none, gzip, snappy, lz4 or zstd.");
    public static final ConfigOption<Duration> LINGER = ConfigOption.duration(
            "device.linger",
            Duration.ofMillis(5),
            "How long the producer waits to fill a batch; a few ms trades a little latency for much fewer requests.");
    public static final ConfigOption<Integer> BATCH_BYTES =
            ConfigOption.integer("device.batch-bytes", 256 * 1024, "Largest batch per partition, in bytes.");
    public static final ConfigOption<Duration> DELIVERY_TIMEOUT = ConfigOption.duration(
            "device.delivery-timeout",
            Duration.ofMinutes(2),
            "How long the producer keeps retrying a frame before reporting it failed.");

    public static final List<ConfigOption<?>> OPTIONS =
            List.of(MAX_IN_FLIGHT_BYTES, MAX_BLOCK, COMPRESSION, LINGER, BATCH_BYTES, DELIVERY_TIMEOUT);

    /** From settings; {@code bootstrap} wins over {@code kafka.bootstrap.servers} when given. */
    public static DeviceProducerConfig from(Settings settings, String bootstrap) {
        Map<String, Object> props = KafkaSettings.clientProperties(settings, bootstrap);
        // Idempotence: a retried send never duplicates a frame, and per-partition order holds.
        props.putIfAbsent("enable.idempotence", true);
        props.putIfAbsent("acks", "all");
        props.putIfAbsent("max.in.flight.requests.per.connection", 5);
        props.putIfAbsent("compression.type", settings.get(COMPRESSION));
        props.putIfAbsent("linger.ms", settings.get(LINGER).toMillis());
        props.putIfAbsent("batch.size", settings.get(BATCH_BYTES));
        props.putIfAbsent(
                "delivery.timeout.ms", (int) settings.get(DELIVERY_TIMEOUT).toMillis());
        long maxInFlight = settings.get(MAX_IN_FLIGHT_BYTES);
        // Kafka's own buffer is the second line of defence; ours blocks first and says why.
        props.putIfAbsent("buffer.memory", Math.max(maxInFlight * 2, 32L << 20));
        props.putIfAbsent("max.block.ms", settings.get(MAX_BLOCK).toMillis());
        return new DeviceProducerConfig(Map.copyOf(props), maxInFlight, settings.get(MAX_BLOCK));
    }
}
