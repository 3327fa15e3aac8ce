package dev.edgevl.distill;

import dev.edgevl.avro.Modality;
import java.util.Map;
import java.util.Set;

/**
 * When a candidate whose bundle has graphs of their own for new modalities is worth publishing whole, and when only
 * its own graphs are (with the live version's shared graph): pure rules on the gate's comparison with the live version.
 */
final class OwnGraphs {
    private OwnGraphs() {}

    /**
     * Whether the candidate's shared graph agrees with the teacher at least as often as the live version's on the pairs
     * it serves (every group but the modalities with graphs of their own); true when it has no graphs of its own.
     */
    static boolean sharedHolds(Gate.Verdict verdict, Set<Modality> own) {
        if (own.isEmpty()) {
            return true;
        }
        for (Gate.Comparison c : verdict.comparisons()) {
            if (c.key().equals("vsLive")) {
                long candidate = 0;
                long other = 0;
                for (Map.Entry<String, PairedAgreement> g : c.groups().entrySet()) {
                    if (own.stream().noneMatch(m -> m.name().equals(g.getKey()))) {
                        candidate += g.getValue().candidateOnly();
                        other += g.getValue().otherOnly();
                    }
                }
                return candidate >= other;
            }
        }
        return true;
    }

    /**
     * Whether the candidate agrees with the teacher more often than the live version on the held-out pairs of every
     * modality it has a graph of its own for: a version that only matches the live one is not worth a rollout.
     */
    static boolean gains(Gate.Verdict verdict, Set<Modality> own) {
        for (Gate.Comparison c : verdict.comparisons()) {
            if (!c.key().equals("vsLive")) {
                continue;
            }
            for (Modality m : own) {
                PairedAgreement group = c.groups().get(m.name());
                if (group == null || !(group.candidateRate() > group.otherRate())) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
