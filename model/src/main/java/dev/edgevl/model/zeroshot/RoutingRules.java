package dev.edgevl.model.zeroshot;

import dev.edgevl.avro.RouteReason;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which uncertain frames deserve the teacher. Only the thresholds live here; the per-device budget
 * ({@link TokenBucket}) and random exploration are the stream job's, applied to what these rules pick.
 *
 * @param minMargin a margin below this is {@link RouteReason#LOW_MARGIN}; 0 turns the rule off
 * @param maxEntropy a normalized entropy above this is {@link RouteReason#HIGH_ENTROPY}; 1 turns the rule off
 * @param onDisagreement whether RGB and non-RGB top-1 labels that differ are {@link RouteReason#MODALITY_DISAGREEMENT}
 */
public record RoutingRules(double minMargin, double maxEntropy, boolean onDisagreement)
        implements java.io.Serializable {

    /**
     * Margin below 0.2, entropy above 0.75, any disagreement. The budget, not these thresholds, bounds
     * how much the teacher sees; but the budget goes to whichever flagged frame comes first, so the
     * thresholds should flag frames that are really unsure, not merely imperfect. Disagreement is the
     * strongest signal of all: one of the two modalities is wrong.
     */
    public static final RoutingRules DEFAULT = new RoutingRules(0.2, 0.75, true);

    public RoutingRules {
        if (!(minMargin >= 0 && minMargin <= 1)) {
            throw new IllegalArgumentException("minMargin must be in 0..1, got " + minMargin + ".");
        }
        if (!(maxEntropy >= 0 && maxEntropy <= 1)) {
            throw new IllegalArgumentException("maxEntropy must be in 0..1, got " + maxEntropy + ".");
        }
    }

    /** Every rule the frame trips, in {@link RouteReason} order; empty when the student is sure enough. */
    public Set<RouteReason> reasons(Uncertainty u) {
        Set<RouteReason> reasons = EnumSet.noneOf(RouteReason.class);
        if (u.margin() < minMargin) {
            reasons.add(RouteReason.LOW_MARGIN);
        }
        if (u.normalizedEntropy() > maxEntropy) {
            reasons.add(RouteReason.HIGH_ENTROPY);
        }
        if (onDisagreement && u.disagrees()) {
            reasons.add(RouteReason.MODALITY_DISAGREEMENT);
        }
        return reasons;
    }

    public boolean uncertain(Uncertainty u) {
        return !reasons(u).isEmpty();
    }
}
