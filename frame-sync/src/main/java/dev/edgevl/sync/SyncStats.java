package dev.edgevl.sync;

import dev.edgevl.avro.Modality;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A snapshot of {@link SyncCounters}. Once every frame is decided, {@code auxFrames() == pairs() + auxOnly()}, per
 * modality {@code frames == paired + alone}, and {@code rgbFrames == rgbPaired + unmatchedRgb}; until then the
 * difference is what is still waiting.
 *
 * @param rgbFrames    valid RGB frames taken in (duplicates and dead letters excluded)
 * @param aux          per non-RGB modality (DEPTH, THERMAL, ...): frames taken in, paired, and written without RGB;
 *                     modalities with all counts zero are left out. UNKNOWN counts frames whose modality frame sync
 *                     did not know when it decided them (frames waiting across an upgrade)
 * @param rgbPaired    RGB frames that went out in at least one pair
 * @param unmatchedRgb RGB frames that went out in no pair (none near enough, or late); not forwarded
 * @param duplicates   frames dropped because the same frame had already arrived
 * @param late         frames that arrived more than the grace behind their device's newest frame (also in an alone
 *                     count or unmatchedRgb)
 * @param clockResets  times a device's clock jumped back further than sync.clock-reset and was restarted
 * @param deadLetters  messages sent to a dead-letter topic
 */
public record SyncStats(
        long rgbFrames,
        Map<Modality, AuxCounts> aux,
        long rgbPaired,
        long unmatchedRgb,
        long duplicates,
        long late,
        long clockResets,
        long deadLetters) {

    /**
     * The non-RGB frames of one modality.
     *
     * @param frames valid frames taken in
     * @param paired frames written with an RGB frame
     * @param alone  frames written without an RGB frame (none near enough, or late): the learner cannot use them
     */
    public record AuxCounts(long frames, long paired, long alone) {
        public static final AuxCounts ZERO = new AuxCounts(0, 0, 0);

        /** Frames decided: written with or without an RGB frame. */
        public long decided() {
            return paired + alone;
        }

        /** The share of decided frames written without an RGB frame, 0 to 1; 0 when none was decided. */
        public double unpairedShare() {
            return decided() == 0 ? 0 : (double) alone / decided();
        }

        public AuxCounts minus(AuxCounts earlier) {
            return new AuxCounts(frames - earlier.frames, paired - earlier.paired, alone - earlier.alone);
        }

        boolean isZero() {
            return frames == 0 && paired == 0 && alone == 0;
        }
    }

    public static final SyncStats ZERO = new SyncStats(0, Map.of(), 0, 0, 0, 0, 0, 0);

    public SyncStats {
        Map<Modality, AuxCounts> kept = new EnumMap<>(Modality.class);
        aux.forEach((modality, counts) -> {
            if (modality == Modality.RGB) {
                throw new IllegalArgumentException("RGB frames are counted in rgbFrames, not as non-RGB frames");
            }
            if (!counts.isZero()) {
                kept.put(modality, counts);
            }
        });
        aux = Collections.unmodifiableMap(kept);
    }

    /** The counts of one non-RGB modality; all zero when it had no frames. */
    public AuxCounts of(Modality modality) {
        return aux.getOrDefault(modality, AuxCounts.ZERO);
    }

    /** Valid non-RGB frames taken in, all modalities. */
    public long auxFrames() {
        return aux.values().stream().mapToLong(AuxCounts::frames).sum();
    }

    /** Pairs written with both an RGB and a non-RGB frame, all modalities. */
    public long pairs() {
        return aux.values().stream().mapToLong(AuxCounts::paired).sum();
    }

    /** Non-RGB frames written without an RGB frame (none near enough, or late), all modalities. */
    public long auxOnly() {
        return aux.values().stream().mapToLong(AuxCounts::alone).sum();
    }

    /** Records written to frames.paired. */
    public long forwarded() {
        return pairs() + auxOnly();
    }

    /** Frames taken in but not decided yet. */
    public long waiting() {
        return (rgbFrames - rgbPaired - unmatchedRgb) + (auxFrames() - pairs() - auxOnly());
    }

    public SyncStats minus(SyncStats earlier) {
        Map<Modality, AuxCounts> delta = new EnumMap<>(Modality.class);
        for (Modality modality : Modality.values()) {
            if (modality != Modality.RGB) {
                delta.put(modality, of(modality).minus(earlier.of(modality)));
            }
        }
        return new SyncStats(
                rgbFrames - earlier.rgbFrames,
                delta,
                rgbPaired - earlier.rgbPaired,
                unmatchedRgb - earlier.unmatchedRgb,
                duplicates - earlier.duplicates,
                late - earlier.late,
                clockResets - earlier.clockResets,
                deadLetters - earlier.deadLetters);
    }

    /**
     * A log line for this much activity over {@code period}: what came in, what went out (per non-RGB modality, how
     * many paired and how many went without RGB), and any trouble.
     */
    public String sentence(Duration period) {
        List<String> modalities = new ArrayList<>();
        aux.forEach((modality, counts) -> {
            if (counts.decided() > 0) {
                modalities.add(String.format(
                        Locale.ROOT,
                        "%s %d paired and %d without RGB (%.1f%% unpaired)",
                        modality,
                        counts.paired(),
                        counts.alone(),
                        100 * counts.unpairedShare()));
            }
        });
        List<String> also = new ArrayList<>();
        if (unmatchedRgb > 0) {
            also.add(unmatchedRgb + " RGB " + frames(unmatchedRgb) + " found no non-RGB frame within tolerance and "
                    + (unmatchedRgb == 1 ? "was" : "were") + " not forwarded");
        }
        if (late > 0) {
            also.add(late + " " + frames(late) + " came too late to be paired");
        }
        if (duplicates > 0) {
            also.add(duplicates + " duplicate " + frames(duplicates) + (duplicates == 1 ? " was" : " were")
                    + " dropped");
        }
        if (clockResets > 0) {
            also.add(clockResets + " device " + (clockResets == 1 ? "clock was" : "clocks were") + " reset");
        }
        if (deadLetters > 0) {
            also.add(deadLetters + (deadLetters == 1 ? " message went" : " messages went") + " to a dead-letter topic");
        }
        long auxFrames = auxFrames();
        String head = String.format(
                Locale.ROOT,
                "In the last %s frame sync took in %d RGB and %d non-RGB %s and wrote %d %s to "
                        + "frames.paired (%d with both frames)",
                describe(period),
                rgbFrames,
                auxFrames,
                frames(auxFrames),
                forwarded(),
                forwarded() == 1 ? "pair" : "pairs",
                pairs());
        if (!modalities.isEmpty()) {
            head += ": " + String.join(", ", modalities);
        }
        return also.isEmpty() ? head + "." : head + "; " + String.join(", ", also) + ".";
    }

    private static String frames(long n) {
        return n == 1 ? "frame" : "frames";
    }

    private static String describe(Duration period) {
        long seconds = period.toSeconds();
        return seconds >= 120 && seconds % 60 == 0 ? seconds / 60 + " min" : Math.max(1, seconds) + " s";
    }
}
