package dev.edgevl.sync;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.streams.StreamsService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The frame-sync app's settings, read once from {@link Settings}. Matching rules ({@code sync.tolerance},
 * {@code sync.grace}, {@code sync.max-wait}) are typed options here; any other Kafka Streams or client
 * property passes through with the {@code kafka.} prefix ({@code kafka.num.stream.threads=4},
 * {@code kafka.state.dir=...}).
 */
public record FrameSyncConfig(
        String applicationId,
        Duration tolerance,
        Duration grace,
        Duration maxWait,
        Duration checkInterval,
        Duration clockReset,
        int duplicateMemory,
        Duration deviceExpiry,
        Duration commitInterval,
        StoreKind store,
        Duration logInterval) {

    /** Where pending frames live between arrival and decision. */
    public enum StoreKind {
        /** Frames wait well under a second, so memory plus the changelog is enough; restores replay the changelog. */
        IN_MEMORY,
        /** RocksDB on local disk: restarts resume from local state instead of replaying the changelog. */
        ROCKSDB
    }

    public static final ConfigOption<String> APPLICATION_ID = ConfigOption.string(
            "sync.application-id",
            "edgevl-frame-sync",
            "Kafka Streams application id of frame sync: the consumer group, and the prefix of its changelog topics.");
    public static final ConfigOption<Duration> TOLERANCE = ConfigOption.duration(
            "sync.tolerance",
            Duration.ofMillis(20),
            "How far apart in capture time an RGB frame and a non-RGB frame may be and still be paired (inclusive).");
    public static final ConfigOption<Duration> GRACE = ConfigOption.duration(
            "sync.grace",
            Duration.ofMillis(50),
            "How far out of capture-time order a device's frames may arrive and still be paired; a frame arriving later "
                    + "than this behind its device's newest frame is late and goes unpaired.");
    public static final ConfigOption<Duration> MAX_WAIT = ConfigOption.duration(
            "sync.max-wait",
            Duration.ofSeconds(2),
            "Longest wall-clock time a frame waits for a partner, so the last frames of a device that goes quiet are "
                    + "still forwarded.");
    public static final ConfigOption<Duration> CHECK_INTERVAL = ConfigOption.duration(
            "sync.check-interval",
            Duration.ofSeconds(1),
            "How often frame sync looks for frames that have waited longer than sync.max-wait.");
    public static final ConfigOption<Duration> CLOCK_RESET = ConfigOption.duration(
            "sync.clock-reset",
            Duration.ofSeconds(10),
            "A frame this far behind its device's newest frame means the device clock was reset (or had jumped ahead): "
                    + "the device's waiting frames are decided and its clock starts again from that frame.");
    public static final ConfigOption<Integer> DUPLICATE_MEMORY = ConfigOption.integer(
            "sync.duplicate-memory",
            1024,
            "How many recent sequence numbers per sensor frame sync remembers to recognise a frame sent twice (34 s at "
                    + "30 fps by default); a repeat older than that cannot be recognised.");
    public static final ConfigOption<Duration> DEVICE_EXPIRY = ConfigOption.duration(
            "sync.device-expiry",
            Duration.ofHours(1),
            "A device silent this long is forgotten (its clock and duplicate memory), so departed devices do not "
                    + "accumulate in state.");
    public static final ConfigOption<Duration> COMMIT_INTERVAL = ConfigOption.duration(
            "sync.commit-interval",
            Duration.ofMillis(100),
            "Kafka Streams commit interval. With exactly-once, pairs become visible to read_committed consumers only at "
                    + "a commit, so this bounds the latency frame sync adds.");
    public static final ConfigOption<StoreKind> STORE = ConfigOption.enumeration(
            "sync.store",
            StoreKind.class,
            StoreKind.IN_MEMORY,
            "Where waiting frames are kept: in-memory (default; backed by a changelog topic) or rocksdb.");
    public static final ConfigOption<Duration> LOG_INTERVAL = ConfigOption.duration(
            "sync.log-interval",
            Duration.ofSeconds(30),
            "How often frame sync logs what it paired, forwarded alone, dropped and dead-lettered.");

    public static final List<ConfigOption<?>> OPTIONS = List.of(
            APPLICATION_ID,
            TOLERANCE,
            GRACE,
            MAX_WAIT,
            CHECK_INTERVAL,
            CLOCK_RESET,
            DUPLICATE_MEMORY,
            DEVICE_EXPIRY,
            COMMIT_INTERVAL,
            STORE,
            LOG_INTERVAL);

    public FrameSyncConfig {
        APPLICATION_ID.check(applicationId != null && !applicationId.isBlank(), "must not be blank");
        TOLERANCE.check(!tolerance.isNegative(), "must not be negative");
        GRACE.check(!grace.isNegative(), "must not be negative");
        MAX_WAIT.check(isPositive(maxWait), "must be positive");
        CHECK_INTERVAL.check(isPositive(checkInterval), "must be positive");
        // A reset threshold inside the out-of-order allowance would turn ordinary late frames into clock resets.
        CLOCK_RESET.check(
                clockReset.compareTo(tolerance.plus(grace)) > 0, "must be longer than sync.tolerance + sync.grace");
        DUPLICATE_MEMORY.check(duplicateMemory >= 1, "must be at least 1");
        DEVICE_EXPIRY.check(isPositive(deviceExpiry), "must be positive");
        COMMIT_INTERVAL.check(isPositive(commitInterval), "must be positive");
        STORE.check(store != null, "must be set");
        LOG_INTERVAL.check(isPositive(logInterval), "must be positive");
    }

    public static FrameSyncConfig from(Settings settings) {
        return new FrameSyncConfig(
                settings.get(APPLICATION_ID),
                settings.get(TOLERANCE),
                settings.get(GRACE),
                settings.get(MAX_WAIT),
                settings.get(CHECK_INTERVAL),
                settings.get(CLOCK_RESET),
                settings.get(DUPLICATE_MEMORY),
                settings.get(DEVICE_EXPIRY),
                settings.get(COMMIT_INTERVAL),
                settings.get(STORE),
                settings.get(LOG_INTERVAL));
    }

    public static FrameSyncConfig defaults() {
        return from(Settings.empty());
    }

    /** The matching rules in the matcher's units. */
    public FrameMatcher.Rules rules() {
        return new FrameMatcher.Rules(micros(tolerance), micros(grace), maxWait.toMillis());
    }

    /**
     * The Kafka Streams properties: {@code clientProperties} (bootstrap servers and the {@code kafka.*} passthrough)
     * with this app's own settings on top, so exactly-once cannot be switched off by a stray passthrough key.
     */
    public Properties streamsProperties(Map<String, Object> clientProperties) {
        return StreamsService.exactlyOnce(clientProperties, applicationId, commitInterval);
    }

    /** Streams properties straight from configuration; {@code bootstrap} wins over {@code kafka.bootstrap.servers} when given. */
    public static Properties streamsProperties(Settings settings, String bootstrap) {
        return from(settings).streamsProperties(KafkaSettings.clientProperties(settings, bootstrap));
    }

    private static long micros(Duration duration) {
        return Math.multiplyExact(duration.getSeconds(), 1_000_000L) + duration.getNano() / 1_000;
    }

    private static boolean isPositive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }
}
