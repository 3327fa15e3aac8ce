package dev.edgevl.inference;

import dev.edgevl.avro.RouteReason;
import dev.edgevl.model.zeroshot.RoutingRules;
import dev.edgevl.model.zeroshot.TokenBucket;
import dev.edgevl.model.zeroshot.Uncertainty;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/**
 * Why a frame would go to the teacher, before the budget has its say: the uncertainty rules, "no model yet", or
 * exploration. A pair without an RGB frame never goes: the teacher embeds RGB images only, so it could do nothing with
 * it but dead-letter it, and the device's budget would be spent for nothing. Exploration is a function of the frame's identity (device, sensor, sequence), not of a random
 * generator, so a replay after a failure picks the same frames.
 */
final class RoutingPolicy implements Serializable {
    private static final long serialVersionUID = 1L;
    private final RoutingRules rules;
    private final double exploration;
    private final boolean uniformOnly;

    RoutingPolicy(RoutingRules rules, double exploration) {
        this(rules, exploration, false);
    }

    private RoutingPolicy(RoutingRules rules, double exploration, boolean uniformOnly) {
        this.rules = rules;
        this.exploration = exploration;
        this.uniformOnly = uniformOnly;
    }

    /**
     * The canary's devices' policy: every frame they send is an exploration pick at {@code share} (their budget), none
     * an uncertain one, so the teacher pairs the distiller judges the canary on are a uniform sample of what the canary
     * saw, not the frames it was least sure of.
     */
    static RoutingPolicy uniform(double share) {
        return new RoutingPolicy(null, share, true);
    }

    /**
     * How a frame with these reasons asks for its device's budget: exploration (and "no model yet") on any token, the
     * reserve included, so the uniform slice stays whole; an uncertain frame on a spare token, with its modality's
     * {@link ModalityPriority} as probability, decided by a hash of the frame's identity (so a replay decides the same).
     */
    TokenBucket.Ask ask(PendingFrame frame, Set<RouteReason> reasons, ModalityPriority priority) {
        if (reasons.isEmpty()) {
            return TokenBucket.Ask.NONE;
        }
        if (reasons.contains(RouteReason.EXPLORATION) || reasons.contains(RouteReason.NO_MODEL)) {
            return TokenBucket.Ask.ANY;
        }
        double p = priority.of(frame.pair().getAux().getModality());
        boolean picked = p >= 1
                || unit(
                                frame.deviceId(),
                                frame.pair().getAux().getSensorId(),
                                frame.pair().getAux().getSequence(),
                                0x5bd1e995L)
                        < p;
        return picked ? TokenBucket.Ask.SPARE : TokenBucket.Ask.NONE;
    }

    /**
     * @param modelLive   whether a model scored the frame
     * @param uncertainty the student's uncertainty; null when there was no model or no label
     */
    Set<RouteReason> reasons(PendingFrame frame, boolean modelLive, Uncertainty uncertainty) {
        if (!frame.hasRgb()) {
            return EnumSet.noneOf(RouteReason.class);
        }
        if (!modelLive) {
            return EnumSet.of(RouteReason.NO_MODEL);
        }
        Set<RouteReason> reasons =
                uncertainty == null || uniformOnly ? EnumSet.noneOf(RouteReason.class) : rules.reasons(uncertainty);
        // Whether the frame explores depends on its identity alone, not on how sure the student is: the exploration
        // slice is a uniform sample of the stream, which the distiller can judge on without the router's bias.
        if (explores(
                frame.deviceId(),
                frame.pair().getAux().getSensorId(),
                frame.pair().getAux().getSequence())) {
            reasons.add(RouteReason.EXPLORATION);
        }
        return reasons;
    }

    /** Whether this frame is one of the {@code exploration} share, picked by its identity, sure or not. */
    boolean explores(String deviceId, String sensorId, long sequence) {
        return exploration > 0 && unit(deviceId, sensorId, sequence, 0) < exploration;
    }

    /** A number in [0, 1) hashed from the frame's identity, independent for each {@code purpose}. */
    private static double unit(String deviceId, String sensorId, long sequence, long purpose) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (deviceId + '\u0000' + sensorId).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        h = mix(h ^ mix(sequence) ^ mix(purpose));
        return (h >>> 11) * 0x1.0p-53;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
