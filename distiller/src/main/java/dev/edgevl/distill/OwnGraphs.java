package dev.edgevl.distill;

import dev.edgevl.avro.Modality;
import java.util.Map;
import java.util.Set;

/**
 * When a candidate whose bundle has graphs of their own for new modalities is worth publishing whole, and when only
 * its own graphs are (with the live version's shared graph): pure rules on the gate's comparison with the live version.
 */
final class OwnGraphs {
    /** Held-out pairs of its modality an own graph is judged on at least. */
    static final int MIN_PAIRS = 30;

    private OwnGraphs() {}

    /**
     * Whether the candidate's shared graph is shown to agree with the teacher more often than the live version's on the
     * pairs it serves that were drawn uniformly from the stream (the anchor pairs and the exploration picks of every
     * modality without a graph of its own, pooled): the one-sided paired test of "no better" rejected at {@code alpha},
     * on at least {@code minPairs} of them (the gate's {@code distill.gate.min-per-modality}). True when it has no
     * graphs of its own, where the gate's verdict alone decides. With graphs of their own there is another way to ship
     * what a new modality learnt (the live shared graph with the candidate's own), so the graph every known modality
     * runs changes only on evidence that holds for the stream as a whole. The frames the router sent because a student
     * was unsure of them are not that evidence: a candidate trained on such frames agrees more often on held-out ones
     * like them, and a shared graph 3.8 points ahead of live on such depth pairs and 2.7 on the anchor pairs, pooled,
     * cost depth 1.1 points of ground truth over the last seven minutes of a drift run.
     */
    static boolean sharedGains(Gate.Verdict verdict, Set<Modality> own, double alpha, int minPairs) {
        if (own.isEmpty()) {
            return true;
        }
        for (Gate.Comparison c : verdict.comparisons()) {
            if (c.key().equals("vsLive")) {
                int n = 0;
                int both = 0;
                int candidate = 0;
                int other = 0;
                for (Map.Entry<String, PairedAgreement> g : c.uniform().entrySet()) {
                    if (own.stream().noneMatch(m -> m.name().equals(g.getKey()))) {
                        n += g.getValue().n();
                        both += g.getValue().both();
                        candidate += g.getValue().candidateOnly();
                        other += g.getValue().otherOnly();
                    }
                }
                return n >= minPairs && new PairedAgreement(n, both, candidate, other).pWorseBy(0) < alpha;
            }
        }
        return true;
    }

    /**
     * Whether the candidate is shown to agree with the teacher more often than the live version on the held-out pairs
     * of every modality it has a graph of its own for: the one-sided paired test of "no better" rejected at
     * {@code alpha}, as for the shared graph. A version that only matches the live one is not worth a rollout, and a
     * lead on a dozen pairs is noise (a first thermal graph that led 0.333 to 0.133 on 15 pairs cost thermal 1.7 points
     * of ground truth on the devices that ran it), while 0.561 to 0.122 on 41 pairs is not. Fewer than
     * {@value #MIN_PAIRS} pairs are not judged at all: the test's normal approximation does not hold below that.
     */
    static boolean gains(Gate.Verdict verdict, Set<Modality> own, double alpha) {
        for (Gate.Comparison c : verdict.comparisons()) {
            if (!c.key().equals("vsLive")) {
                continue;
            }
            for (Modality m : own) {
                PairedAgreement group = c.groups().get(m.name());
                if (group == null || group.n() < MIN_PAIRS || !(group.pWorseBy(0) < alpha)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
