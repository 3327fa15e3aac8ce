package dev.edgevl.sync;

import java.util.List;

/**
 * What one matching round decided for a device.
 *
 * @param matches    decided non-RGB frames, each exactly once, with or without an RGB partner
 * @param settledRgb RGB frames no waiting non-RGB frame can claim any more; those paired with nobody are the unmatched ones
 * @param remaining  frames still waiting, with their updated {@code pairedWith}
 */
public record Decisions(List<Match> matches, List<PendingFrame> settledRgb, List<PendingFrame> remaining) {
    public Decisions {
        matches = List.copyOf(matches);
        settledRgb = List.copyOf(settledRgb);
        remaining = List.copyOf(remaining);
    }

    public List<PendingFrame> unmatchedRgb() {
        return settledRgb.stream().filter(r -> r.pairedWith().isEmpty()).toList();
    }
}
