package dev.edgevl.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A snapshot of {@link SyncCounters}. Once every frame is decided, {@code auxFrames == pairs + auxOnly} and
 * {@code rgbFrames == rgbPaired + unmatchedRgb}; until then the difference is what is still waiting.
 *
 * @param rgbFrames    valid RGB frames taken in (duplicates and dead letters excluded)
 * @param auxFrames    valid non-RGB frames taken in
 * @param pairs        pairs written with both an RGB and a non-RGB frame
 * @param auxOnly      non-RGB frames written without an RGB frame (none near enough, or late)
 * @param rgbPaired    RGB frames that went out in at least one pair
 * @param unmatchedRgb RGB frames that went out in no pair (none near enough, or late); not forwarded
 * @param duplicates   frames dropped because the same frame had already arrived
 * @param late         frames that arrived more than the grace behind their device's newest frame (also in auxOnly or unmatchedRgb)
 * @param clockResets  times a device's clock jumped back further than sync.clock-reset and was restarted
 * @param deadLetters  messages sent to a dead-letter topic
 */
public record SyncStats(
        long rgbFrames,
        long auxFrames,
        long pairs,
        long auxOnly,
        long rgbPaired,
        long unmatchedRgb,
        long duplicates,
        long late,
        long clockResets,
        long deadLetters) {

    public static final SyncStats ZERO = new SyncStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Records written to frames.paired. */
    public long forwarded() {
        return pairs + auxOnly;
    }

    /** Frames taken in but not decided yet. */
    public long waiting() {
        return (rgbFrames - rgbPaired - unmatchedRgb) + (auxFrames - pairs - auxOnly);
    }

    public SyncStats minus(SyncStats earlier) {
        return new SyncStats(
                rgbFrames - earlier.rgbFrames,
                auxFrames - earlier.auxFrames,
                pairs - earlier.pairs,
                auxOnly - earlier.auxOnly,
                rgbPaired - earlier.rgbPaired,
                unmatchedRgb - earlier.unmatchedRgb,
                duplicates - earlier.duplicates,
                late - earlier.late,
                clockResets - earlier.clockResets,
                deadLetters - earlier.deadLetters);
    }

    /** A log line for this much activity over {@code period}: what came in, what went out, and any trouble. */
    public String sentence(Duration period, Duration tolerance) {
        List<String> also = new ArrayList<>();
        if (auxOnly > 0) {
            also.add(auxOnly + " non-RGB " + frames(auxOnly) + " went out without an RGB partner");
        }
        if (unmatchedRgb > 0) {
            also.add(unmatchedRgb + " RGB " + frames(unmatchedRgb) + " found no non-RGB frame within "
                    + tolerance.toMillis() + " ms and " + (unmatchedRgb == 1 ? "was" : "were") + " not forwarded");
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
                pairs);
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
