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
     * Whether the candidate's shared graph is shown to agree with the teacher more often than the live version's on the
     * pairs it serves (every group but the modalities with graphs of their own, pooled): the one-sided paired test of
     * "no better" rejected at {@code alpha}. True when it has no graphs of its own, where the gate's verdict alone
     * decides. With graphs of their own there is another way to ship what a new modality learnt (the live shared graph
     * with the candidate's own), so the graph every known modality runs changes only on evidence: label-free agreement
     * a few points up on a couple of hundred pairs has come with ground-truth losses of 2-6 points on depth.
     */
    static boolean sharedGains(Gate.Verdict verdict, Set<Modality> own, double alpha) {
        if (own.isEmpty()) {
            return true;
        }
        for (Gate.Comparison c : verdict.comparisons()) {
            if (c.key().equals("vsLive")) {
                int n = 0;
                int both = 0;
                int candidate = 0;
                int other = 0;
                for (Map.Entry<String, PairedAgreement> g : c.groups().entrySet()) {
                    if (own.stream().noneMatch(m -> m.name().equals(g.getKey()))) {
                        n += g.getValue().n();
                        both += g.getValue().both();
                        candidate += g.getValue().candidateOnly();
                        other += g.getValue().otherOnly();
                    }
                }
                return new PairedAgreement(n, both, candidate, other).pWorseBy(0) < alpha;
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
