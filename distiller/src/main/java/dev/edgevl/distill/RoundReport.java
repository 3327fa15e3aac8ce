package dev.edgevl.distill;

import java.time.Instant;
import java.util.Map;

/**
 * What the last round did, for logs, the local view and tests.
 *
 * @param version the version number the candidate got
 * @param verdict the gate's decision, null when the round failed before the gate
 * @param published whether the candidate went live
 * @param seconds wall-clock time of the whole round
 * @param metrics training and gate figures
 * @param failure why the round failed; null when it did not
 */
public record RoundReport(
        long version,
        Gate.Verdict verdict,
        boolean published,
        Instant finished,
        double seconds,
        Map<String, Double> metrics,
        String trigger,
        String failure) {
    public RoundReport {
        metrics = Map.copyOf(metrics);
    }

    public boolean failed() {
        return failure != null;
    }
}
