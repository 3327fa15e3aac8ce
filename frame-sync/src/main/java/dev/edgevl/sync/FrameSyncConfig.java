package dev.edgevl.sync;

import dev.edgevl.avro.Modality;
import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.streams.StreamsService;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * The frame-sync app's settings, read once from {@link Settings}. Matching rules ({@code sync.tolerance*},
 * {@code sync.grace}, {@code sync.max-wait}) are typed options here; any other Kafka Streams or client
 * property passes through with the {@code kafka.} prefix ({@code kafka.num.stream.threads=4},
 * {@code kafka.state.dir=...}).
 *
 * <p>Which tolerance a pair gets, in order of precedence ({@link ToleranceRule}): {@code sync.tolerance.depth} or
 * {@code sync.tolerance.thermal} for that modality when set; else {@code sync.tolerance} when set to a duration, for
 * every pair; else (the default, {@code sync.tolerance=auto}) half the longer frame period of the two sensors, at most
 * {@code sync.tolerance.max}, and 20 ms (at most the max) until both periods are known.
 *
 * @param depthTolerance   {@code sync.tolerance.depth}, or null when not set
 * @param thermalTolerance {@code sync.tolerance.thermal}, or null when not set
 */
public record FrameSyncConfig(
        String applicationId,
        ToleranceSetting tolerance,
        Duration maxTolerance,
        Duration depthTolerance,
        Duration thermalTolerance,
        Duration grace,
        boolean decideEarly,
        Duration stoppedAfter,
        Duration maxWait,
        Duration checkInterval,
        Duration clockReset,
        int duplicateMemory,
        Duration deviceExpiry,
        Duration commitInterval,
        boolean commitOnPair,
        StoreKind store,
        Duration logInterval) {

    /** Where pending frames live between arrival and decision. */
    public enum StoreKind {
        /** Frames wait well under a second, so memory plus the changelog is enough; restores replay the changelog. */
        IN_MEMORY,
        /** RocksDB on local disk: restarts resume from local state instead of replaying the changelog. */
        ROCKSDB
    }

    /**
     * The value of {@code sync.tolerance}: {@link #AUTO}, or one fixed tolerance for every pair.
     *
     * @param fixed the fixed tolerance, or null for auto
     */
    public record ToleranceSetting(Duration fixed) {
        /** Each pair's tolerance follows from its sensors' frame rates (the default). */
        public static final ToleranceSetting AUTO = new ToleranceSetting(null);

        static final String AUTO_TEXT = "auto";

        public static ToleranceSetting fixed(Duration tolerance) {
            return new ToleranceSetting(Objects.requireNonNull(tolerance, "tolerance"));
        }

        /** {@code auto} (any case), or a duration as duration settings read them. */
        public static ToleranceSetting parse(String text) {
            return text.trim().equalsIgnoreCase(AUTO_TEXT) ? AUTO : fixed(ConfigOption.parseDuration(text));
        }

        public boolean isAuto() {
            return fixed == null;
        }

        /** As a user writes it: {@code auto}, or the duration ({@code 20ms}). */
        @Override
        public String toString() {
            if (fixed == null) {
                return AUTO_TEXT;
            }
            return fixed.toNanos() % 1_000_000 == 0 ? fixed.toMillis() + "ms" : fixed.toString();
        }
    }

    public static final ConfigOption<String> APPLICATION_ID = ConfigOption.string(
            "sync.application-id",
            "edgevl-frame-sync",
            "Kafka Streams application id of frame sync: the consumer group, and the prefix of its changelog topics.");
    public static final ConfigOption<ToleranceSetting> TOLERANCE = ConfigOption.of(
            "sync.tolerance",
            ToleranceSetting.AUTO,
            "How far apart in capture time an RGB frame and a non-RGB frame may be and still be paired (inclusive). "
                    + "auto: half the frame period of the slower of the two sensors, so sensors at different rates pair "
                    + "(estimated per device and sensor from recent capture times; at most sync.tolerance.max, and 20 ms "
                    + "until the periods are known). A duration: that tolerance for every pair. sync.tolerance.depth and "
                    + "sync.tolerance.thermal win over both for their modality.",
            "auto, or a duration such as 20ms",
            ToleranceSetting::parse);
    public static final ConfigOption<Duration> TOLERANCE_MAX = ConfigOption.duration(
            "sync.tolerance.max",
            Duration.ofMillis(100),
            "The most an automatic tolerance (sync.tolerance=auto) can be, however slow the sensors: in auto, frames "
                    + "wait at most this + sync.grace of their device's stream time before they are decided.");
    public static final ConfigOption<Duration> TOLERANCE_DEPTH = ConfigOption.duration(
            "sync.tolerance.depth",
            null,
            "When set, the tolerance of every pair of a DEPTH frame and an RGB frame, whatever sync.tolerance says.");
    public static final ConfigOption<Duration> TOLERANCE_THERMAL = ConfigOption.duration(
            "sync.tolerance.thermal",
            null,
            "When set, the tolerance of every pair of a THERMAL frame and an RGB frame, whatever sync.tolerance says.");
    public static final ConfigOption<Duration> GRACE = ConfigOption.duration(
            "sync.grace",
            Duration.ofMillis(50),
            "How far out of capture-time order a device's frames may arrive and still be paired; a frame arriving later "
                    + "than this behind its device's newest frame is late and goes unpaired.");
    public static final ConfigOption<Boolean> DECIDE_EARLY = ConfigOption.bool(
            "sync.decide-early",
            true,
            "Decide a non-RGB frame as soon as its device's sequence numbers and frame periods show that no nearer RGB "
                    + "frame and no nearer rival can still come (nothing missing, the next frames beyond reach), instead of "
                    + "waiting for the device's stream time to pass tolerance + sync.grace (one to two frame periods). "
                    + "Anything missing or unknown falls back to waiting.");
    public static final ConfigOption<Duration> STOPPED_AFTER = ConfigOption.duration(
            "sync.stopped-after",
            Duration.ofMillis(500),
            "A sensor that has sent nothing captured within this of its device's newest frame counts as stopped (a camera "
                    + "out) until it sends again: while every RGB camera of a device has stopped, its non-RGB frames go "
                    + "unpaired at once instead of waiting for stream time (with sync.decide-early). Must be longer than "
                    + "sync.grace.");
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
            "A device silent this long is forgotten (its clock, duplicate memory and frame periods), so departed "
                    + "devices do not accumulate in state.");
    public static final ConfigOption<Duration> COMMIT_INTERVAL = ConfigOption.duration(
            "sync.commit-interval",
            Duration.ofMillis(100),
            "Kafka Streams commit interval. With exactly-once, pairs become visible to read_committed consumers only at "
                    + "a commit, so this bounds the latency frame sync adds.");
    public static final ConfigOption<Boolean> COMMIT_ON_PAIR = ConfigOption.bool(
            "sync.commit-on-pair",
            true,
            "Ask Kafka Streams to commit right after a pass of its loop that wrote pairs (checked every 20 ms), not "
                    + "only every sync.commit-interval: a pair becomes readable to read_committed consumers (the stream "
                    + "job) milliseconds after it is decided instead of a commit interval and a poll later. Only while "
                    + "frame sync keeps up (frames within 100 ms of capture); behind, it commits by the interval to catch "
                    + "up. Costs up to 50 transactions a second per task; false commits by the interval alone.");
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
            TOLERANCE_MAX,
            TOLERANCE_DEPTH,
            TOLERANCE_THERMAL,
            GRACE,
            DECIDE_EARLY,
            STOPPED_AFTER,
            MAX_WAIT,
            CHECK_INTERVAL,
            CLOCK_RESET,
            DUPLICATE_MEMORY,
            DEVICE_EXPIRY,
            COMMIT_INTERVAL,
            COMMIT_ON_PAIR,
            STORE,
            LOG_INTERVAL);

    public FrameSyncConfig {
        APPLICATION_ID.check(applicationId != null && !applicationId.isBlank(), "must not be blank");
        TOLERANCE.check(tolerance != null, "must be set");
        TOLERANCE.check(tolerance.isAuto() || !tolerance.fixed().isNegative(), "must not be negative");
        TOLERANCE_MAX.check(maxTolerance != null && !maxTolerance.isNegative(), "must not be negative");
        TOLERANCE_DEPTH.check(depthTolerance == null || !depthTolerance.isNegative(), "must not be negative");
        TOLERANCE_THERMAL.check(thermalTolerance == null || !thermalTolerance.isNegative(), "must not be negative");
        GRACE.check(!grace.isNegative(), "must not be negative");
        // A sensor's frames may come up to the grace out of order: a shorter silence is not a stop.
        STOPPED_AFTER.check(
                stoppedAfter != null && stoppedAfter.compareTo(grace) > 0, "must be longer than sync.grace");
        MAX_WAIT.check(isPositive(maxWait), "must be positive");
        CHECK_INTERVAL.check(isPositive(checkInterval), "must be positive");
        // A reset threshold inside the out-of-order allowance would turn ordinary late frames into clock resets.
        // Checked against the widest tolerance any pair can get, whatever the sensors' rates.
        CLOCK_RESET.check(
                micros(clockReset)
                        > toleranceRule(tolerance, maxTolerance, depthTolerance, thermalTolerance)
                                        .widestMicros()
                                + micros(grace),
                "must be longer than the widest tolerance (sync.tolerance when fixed, else sync.tolerance.max; or "
                        + "sync.tolerance.depth / sync.tolerance.thermal when wider) + sync.grace");
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
                settings.get(TOLERANCE_MAX),
                settings.get(TOLERANCE_DEPTH),
                settings.get(TOLERANCE_THERMAL),
                settings.get(GRACE),
                settings.get(DECIDE_EARLY),
                settings.get(STOPPED_AFTER),
                settings.get(MAX_WAIT),
                settings.get(CHECK_INTERVAL),
                settings.get(CLOCK_RESET),
                settings.get(DUPLICATE_MEMORY),
                settings.get(DEVICE_EXPIRY),
                settings.get(COMMIT_INTERVAL),
                settings.get(COMMIT_ON_PAIR),
                settings.get(STORE),
                settings.get(LOG_INTERVAL));
    }

    public static FrameSyncConfig defaults() {
        return from(Settings.empty());
    }

    /** The matching rules in the matcher's units. */
    public FrameMatcher.Rules rules() {
        return new FrameMatcher.Rules(micros(grace), maxWait.toMillis());
    }

    /** {@code sync.stopped-after} in the matcher's units. */
    public long stoppedAfterMicros() {
        return micros(stoppedAfter);
    }

    /** Which tolerance each pair gets, in the matcher's units. */
    public ToleranceRule toleranceRule() {
        return toleranceRule(tolerance, maxTolerance, depthTolerance, thermalTolerance);
    }

    /** The tolerance rule in words, for logs: {@code 20 ms}, or how auto decides, and any per-modality override. */
    public String toleranceDescription() {
        StringBuilder text = new StringBuilder(
                tolerance.isAuto()
                        ? "half the slower sensor's frame period, at most " + maxTolerance.toMillis() + " ms"
                        : tolerance.fixed().toMillis() + " ms");
        if (depthTolerance != null) {
            text.append("; DEPTH ").append(depthTolerance.toMillis()).append(" ms");
        }
        if (thermalTolerance != null) {
            text.append("; THERMAL ").append(thermalTolerance.toMillis()).append(" ms");
        }
        return text.toString();
    }

    private static ToleranceRule toleranceRule(
            ToleranceSetting tolerance, Duration max, Duration depth, Duration thermal) {
        Map<Modality, Long> overrides = new EnumMap<>(Modality.class);
        if (depth != null) {
            overrides.put(Modality.DEPTH, micros(depth));
        }
        if (thermal != null) {
            overrides.put(Modality.THERMAL, micros(thermal));
        }
        OptionalLong fixed = tolerance.isAuto() ? OptionalLong.empty() : OptionalLong.of(micros(tolerance.fixed()));
        return new ToleranceRule(fixed, overrides, micros(max));
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
