package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.Modality;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OwnGraphsTest {
    private static final Set<Modality> THERMAL = Set.of(Modality.THERMAL);

    /** A verdict against the live version from per-group counts: pairs where only the candidate, only live is right. */
    private static Gate.Verdict vsLive(
            int anchorCandidateOnly, int anchorLiveOnly, int thermalCandidateOnly, int thermalLiveOnly) {
        Pairs pairs = new Pairs();
        pairs.add("ANCHOR", true, anchorCandidateOnly, anchorLiveOnly);
        pairs.add("THERMAL", true, thermalCandidateOnly, thermalLiveOnly);
        return pairs.verdict();
    }

    /** Pair-by-pair outcomes of a candidate and live v3, each pair in a group and drawn uniformly or not. */
    private static final class Pairs {
        final List<Boolean> candidate = new ArrayList<>();
        final List<Boolean> live = new ArrayList<>();
        final List<String> group = new ArrayList<>();
        final List<Boolean> uniform = new ArrayList<>();

        /** 40 pairs both get right and 40 both get wrong, then {@code cOnly} only the candidate and {@code lOnly} only live. */
        Pairs add(String name, boolean drawnUniformly, int cOnly, int lOnly) {
            for (int i = 0; i < 80 + cOnly + lOnly; i++) {
                boolean concordant = i < 80;
                candidate.add(concordant ? i < 40 : i < 80 + cOnly);
                live.add(concordant ? i < 40 : i >= 80 + cOnly);
                group.add(name);
                uniform.add(drawnUniformly);
            }
            return this;
        }

        /** A promoted verdict whose only comparison, against live v3, is these outcomes. */
        Gate.Verdict verdict() {
            int n = candidate.size();
            boolean[] c = new boolean[n];
            boolean[] l = new boolean[n];
            boolean[] u = new boolean[n];
            for (int i = 0; i < n; i++) {
                c[i] = candidate.get(i);
                l[i] = live.get(i);
                u[i] = uniform.get(i);
            }
            Gate.Comparison comparison = Gate.Comparison.of("live v3", "vsLive", c, l, group.toArray(String[]::new), u);
            return new Gate.Verdict(true, 0.5, 0.5, 0.5, n, List.of(comparison), "promoted");
        }
    }

    @Test
    void theSharedGraphChangesOnlyWhenShownBetterWhereItServesWhateverThermalDoes() {
        assertThat(OwnGraphs.sharedGains(vsLive(15, 2, 0, 9), THERMAL, 0.1, 50)).isTrue();
        assertThat(OwnGraphs.sharedGains(vsLive(6, 5, 0, 0), THERMAL, 0.1, 50))
                .as("a point ahead on a handful of discordant pairs is not shown")
                .isFalse();
        assertThat(OwnGraphs.sharedGains(vsLive(4, 5, 20, 0), THERMAL, 0.1, 50))
                .as("thermal's gain does not count for the shared graph")
                .isFalse();
        assertThat(OwnGraphs.sharedGains(vsLive(4, 5, 20, 0), Set.of(), 0.1, 50))
                .as("without graphs of its own the candidate is one graph, judged whole by the gate")
                .isTrue();
        assertThat(OwnGraphs.sharedGains(vsLive(15, 2, 0, 9), THERMAL, 0.1, 98))
                .as("fewer uniformly drawn pairs than the gate needs for a modality are not judged")
                .isFalse();
    }

    @Test
    void framesTheRouterSentBecauseAStudentWasUnsureAreNoEvidenceForTheSharedGraph() {
        Pairs unsureDepth = new Pairs().add("ANCHOR", true, 6, 5).add("DEPTH", false, 30, 2);
        assertThat(OwnGraphs.sharedGains(unsureDepth.verdict(), THERMAL, 0.1, 50))
                .as("far ahead on uncertainty-routed depth pairs, level on the anchor pairs")
                .isFalse();
        Pairs exploredDepth = new Pairs().add("ANCHOR", true, 6, 5).add("DEPTH", true, 30, 2);
        assertThat(OwnGraphs.sharedGains(exploredDepth.verdict(), THERMAL, 0.1, 50))
                .as("the same lead on depth's exploration picks")
                .isTrue();
    }

    @Test
    void ownGraphsGainOnlyWhenShownToAgreeWithTheTeacherMoreOftenThanLiveOnTheirModality() {
        assertThat(OwnGraphs.gains(vsLive(0, 9, 12, 2), THERMAL, 0.1)).isTrue();
        assertThat(OwnGraphs.gains(vsLive(0, 9, 3, 2), THERMAL, 0.1))
                .as("a point ahead on a handful of discordant pairs is not shown")
                .isFalse();
        assertThat(OwnGraphs.gains(vsLive(9, 0, 2, 2), THERMAL, 0.1))
                .as("as good is not a gain")
                .isFalse();
        assertThat(OwnGraphs.gains(vsLive(9, 0, 1, 2), THERMAL, 0.1)).isFalse();
        assertThat(OwnGraphs.gains(vsLive(9, 0, 3, 2), Set.of(Modality.NIR), 0.1))
                .as("no pairs of the modality: nothing shows a gain")
                .isFalse();
    }

    @Test
    void ownGraphsAreNotJudgedOnFewerPairsThanTheTestNeeds() {
        Pairs pairs = new Pairs();
        for (int i = 0; i < OwnGraphs.MIN_PAIRS - 1; i++) { // the candidate right on every one, live on none
            pairs.candidate.add(true);
            pairs.live.add(false);
            pairs.group.add("THERMAL");
            pairs.uniform.add(true);
        }
        assertThat(OwnGraphs.gains(pairs.verdict(), THERMAL, 0.1)).isFalse();
    }
}
