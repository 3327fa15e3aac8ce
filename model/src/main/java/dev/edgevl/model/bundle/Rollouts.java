package dev.edgevl.model.bundle;

import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.Rollout;
import dev.edgevl.avro.RolloutStage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The staged-rollout rules every reader of {@code models} shares: which key a record goes under, which devices are in
 * a canary, and which version a device runs given its family's fleet-wide record and canary record. Pure functions,
 * so the stream job, the device agents, the distiller and the evaluation cannot disagree.
 */
public final class Rollouts {
    /** What follows the family in the key of its canary record. */
    public static final String CANARY_SUFFIX = "/canary";

    private Rollouts() {}

    /** The key of {@code family}'s canary record on {@code models}. */
    public static String canaryKey(String family) {
        return family + CANARY_SUFFIX;
    }

    /** Whether {@code key} is a canary record's key. */
    public static boolean isCanaryKey(String key) {
        return key != null && key.endsWith(CANARY_SUFFIX) && key.length() > CANARY_SUFFIX.length();
    }

    /** The family a key is for: the key itself, or a canary key without its suffix. */
    public static String familyOf(String key) {
        return isCanaryKey(key) ? key.substring(0, key.length() - CANARY_SUFFIX.length()) : key;
    }

    /** The key a record is published under: its family, or its family's canary key when it carries a rollout. */
    public static String keyOf(ModelVersion record) {
        return record.getRollout() == null ? record.getFamily() : canaryKey(record.getFamily());
    }

    /** Whether {@code record} is a canary that is running now (stage CANARY). */
    public static boolean isActiveCanary(ModelVersion record) {
        return record != null
                && record.getRollout() != null
                && record.getRollout().getStage() == RolloutStage.CANARY;
    }

    /**
     * Where a device stands in every rollout: the first 8 bytes of the SHA-256 of its UTF-8 id as an unsigned
     * fraction of 2^64, in [0, 1). Stable across processes, languages and restarts, and uniform over ids.
     */
    public static double position(String deviceId) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(deviceId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (digest[i] & 0xff);
        }
        // The top 53 bits as a double in [0, 1): exact, and the same fraction any other language computes.
        return (bits >>> 11) * 0x1.0p-53;
    }

    /** Whether a device is in a canary whose hash threshold is {@code threshold}. */
    public static boolean inCanary(String deviceId, double threshold) {
        return deviceId != null && position(deviceId) < threshold;
    }

    /**
     * The hash threshold that puts the largest number of {@code devices} in a canary without exceeding {@code share}
     * of them: halfway between the last one in and the first one out, so devices met later fall in or out by their
     * hash. 0 (nobody) when even one device would be more than the share.
     */
    public static double threshold(java.util.Collection<String> devices, double share) {
        double[] positions = devices.stream()
                .distinct()
                .mapToDouble(Rollouts::position)
                .sorted()
                .toArray();
        int in = (int) Math.floor(share * positions.length + 1e-9);
        if (in <= 0) {
            return 0;
        }
        if (in >= positions.length) {
            return 1;
        }
        return (positions[in - 1] + positions[in]) / 2;
    }

    /**
     * Whether a canary of {@code threshold} holds a device that carries one of {@code modalities}, by the modalities
     * each device is known to send: a version that changes only those modalities' graphs shows nothing new on a canary
     * without one.
     */
    public static boolean canaryCarries(
            java.util.Map<String, ? extends java.util.Collection<dev.edgevl.avro.Modality>> devices,
            double threshold,
            java.util.Collection<dev.edgevl.avro.Modality> modalities) {
        return devices.entrySet().stream()
                .anyMatch(e ->
                        inCanary(e.getKey(), threshold) && e.getValue().stream().anyMatch(modalities::contains));
    }

    /**
     * Which of the two records a device runs: the canary while it is active, the device is in its share and it is not
     * the fleet-wide version already; otherwise the fleet-wide record (null when there is none).
     */
    public static ModelVersion choose(String deviceId, ModelVersion fleet, ModelVersion canary) {
        if (!isActiveCanary(canary)) {
            return fleet;
        }
        if (fleet != null && fleet.getVersion() == canary.getVersion()) {
            return fleet;
        }
        return inCanary(deviceId, canary.getRollout().getThreshold()) ? canary : fleet;
    }

    /**
     * A CANARY rollout over at most {@code share} of {@code devices} (duplicates counted once), its reason
     * {@code why} followed by who runs it; empty when the share holds none of them.
     */
    public static java.util.Optional<Rollout> canary(
            java.util.Collection<String> devices,
            double share,
            long stableVersion,
            java.time.Instant startedAt,
            String why) {
        java.util.List<String> known = devices.stream().distinct().toList();
        double threshold = threshold(known, share);
        int in = (int) known.stream().filter(d -> inCanary(d, threshold)).count();
        if (in == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Rollout.newBuilder()
                .setStage(RolloutStage.CANARY)
                .setShare(share)
                .setThreshold(threshold)
                .setCanaryDevices(in)
                .setKnownDevices(known.size())
                .setStableVersion(stableVersion)
                .setStartedTime(startedAt)
                .setReason(why + "; runs on " + in + " of " + known.size() + " devices first, the others stay on v"
                        + stableVersion)
                .build());
    }

    /** The record's rollout made into one of another stage, with a reason; the rest of the record is unchanged. */
    public static ModelVersion withStage(ModelVersion record, RolloutStage stage, String reason, long publishedMillis) {
        Rollout rollout = Rollout.newBuilder(record.getRollout())
                .setStage(stage)
                .setReason(reason)
                .build();
        return ModelVersion.newBuilder(record)
                .setRollout(rollout)
                .setPublishedTime(java.time.Instant.ofEpochMilli(publishedMillis))
                .build();
    }

    /** "canary on 1 of 4 devices (fleet on v3)", for logs and listings. */
    public static String describe(Rollout rollout) {
        String share = rollout.getCanaryDevices() + " of " + rollout.getKnownDevices() + " devices";
        String against = rollout.getStableVersion() == null ? "" : " (fleet on v" + rollout.getStableVersion() + ")";
        return switch (rollout.getStage()) {
            case CANARY -> "canary on " + share + against;
            case PROMOTED -> "promoted fleet-wide after a canary on " + share;
            case ROLLED_BACK -> "rolled back after a canary on " + share;
        };
    }
}
