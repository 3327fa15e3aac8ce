package dev.edgevl.device.agent;

import dev.edgevl.config.ConfigException;
import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.Settings;
import dev.edgevl.model.bundle.TrustedKeys;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The device agent's settings ({@code agent.*}), typed and checked.
 *
 * @param family          the model family a device runs (the key of its records on {@code models})
 * @param trustedKeyFiles PEM files of the public keys whose signatures a device accepts; nothing else is loaded
 * @param statusInterval  how often every device reports to {@code fleet.status} (it also reports on every swap and refusal)
 * @param engineThreads   ONNX Runtime threads per device; 1 keeps many virtual devices in one process cheap
 * @param loadThreads     threads that verify and load new bundles for all the devices of a process
 * @param pairTolerance   an RGB frame this close in capture time to a non-RGB frame is annotated with it
 */
public record AgentConfig(
        String family,
        List<Path> trustedKeyFiles,
        Duration statusInterval,
        int engineThreads,
        int loadThreads,
        Duration pairTolerance) {
    static final String PREFIX = "agent.";

    public static final ConfigOption<String> FAMILY =
            ConfigOption.string(PREFIX + "family", "student", "The model family whose live version the devices run.");
    public static final ConfigOption<String> TRUSTED_KEYS = ConfigOption.string(
            PREFIX + "trusted-keys",
            null,
            "Required: comma-separated PEM files of the Ed25519 public keys whose model signatures a device accepts; a device loads "
                    + "nothing else. --trust sets it.");
    public static final ConfigOption<Duration> STATUS_INTERVAL = ConfigOption.duration(
            PREFIX + "status.interval",
            Duration.ofSeconds(10),
            "How often each device reports to fleet.status; it also reports at once on every model swap and refusal.");
    public static final ConfigOption<Integer> ENGINE_THREADS = ConfigOption.integer(
            PREFIX + "engine.threads",
            1,
            "ONNX Runtime threads per device; 1 keeps many simulated devices in one process cheap.");
    public static final ConfigOption<Integer> LOAD_THREADS = ConfigOption.integer(
            PREFIX + "load.threads",
            1,
            "Threads that verify and load new model versions for all the devices of one process.");
    public static final ConfigOption<Duration> PAIR_TOLERANCE = ConfigOption.duration(
            PREFIX + "pair-tolerance",
            Duration.ofMillis(50),
            "A device's latest RGB frame is annotated along with a non-RGB frame when their capture times are at most this far apart.");

    public static final List<ConfigOption<?>> OPTIONS =
            List.of(FAMILY, TRUSTED_KEYS, STATUS_INTERVAL, ENGINE_THREADS, LOAD_THREADS, PAIR_TOLERANCE);

    public AgentConfig {
        FAMILY.check(family != null && !family.isBlank(), "must not be blank");
        trustedKeyFiles = List.copyOf(trustedKeyFiles);
        TRUSTED_KEYS.check(!trustedKeyFiles.isEmpty(), "names no key file, so a device could accept no model");
        STATUS_INTERVAL.check(statusInterval != null && statusInterval.toMillis() >= 100, "must be at least 100 ms");
        ENGINE_THREADS.check(engineThreads >= 1, "must be at least 1");
        LOAD_THREADS.check(loadThreads >= 1, "must be at least 1");
        PAIR_TOLERANCE.check(pairTolerance != null && !pairTolerance.isNegative(), "must not be negative");
    }

    public static AgentConfig from(Settings settings) {
        String keys = settings.get(TRUSTED_KEYS);
        List<Path> files = keys == null
                ? List.of()
                : Arrays.stream(keys.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .map(Path::of)
                        .toList();
        return new AgentConfig(
                settings.get(FAMILY),
                files,
                settings.get(STATUS_INTERVAL),
                settings.get(ENGINE_THREADS),
                settings.get(LOAD_THREADS),
                settings.get(PAIR_TOLERANCE));
    }

    public AgentConfig withStatusInterval(Duration interval) {
        return new AgentConfig(family, trustedKeyFiles, interval, engineThreads, loadThreads, pairTolerance);
    }

    /** Reads the trusted key files; a missing or keyless file is a configuration mistake and named as such. */
    public TrustedKeys trustedKeys() {
        try {
            return TrustedKeys.fromPemFiles(trustedKeyFiles);
        } catch (NoSuchFileException e) {
            throw new ConfigException(
                    "Setting " + TRUSTED_KEYS.key() + " names " + e.getFile() + ", which does not exist; give the PEM"
                            + " file of the model publisher's public signing key.",
                    e);
        } catch (IOException e) {
            throw new ConfigException(
                    "Cannot read a trusted key file of " + TRUSTED_KEYS.key() + " (" + e.getMessage()
                            + "); give the PEM file of the model publisher's public signing key.",
                    e);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Setting " + TRUSTED_KEYS.key() + ": " + e.getMessage(), e);
        }
    }
}
