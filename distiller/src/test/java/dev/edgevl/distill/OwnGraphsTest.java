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
        List<Boolean> candidate = new ArrayList<>();
        List<Boolean> live = new ArrayList<>();
        List<String> group = new ArrayList<>();
        add(candidate, live, group, "ANCHOR", anchorCandidateOnly, anchorLiveOnly);
        add(candidate, live, group, "THERMAL", thermalCandidateOnly, thermalLiveOnly);
        return verdict(candidate, live, group);
    }

    /** A promoted verdict whose only comparison, against live v3, is these pair-by-pair outcomes. */
    private static Gate.Verdict verdict(List<Boolean> candidate, List<Boolean> live, List<String> group) {
        boolean[] c = new boolean[candidate.size()];
        boolean[] l = new boolean[live.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = candidate.get(i);
            l[i] = live.get(i);
        }
        Gate.Comparison comparison = Gate.Comparison.of("live v3", "vsLive", c, l, group.toArray(String[]::new));
        return new Gate.Verdict(true, 0.5, 0.5, 0.5, c.length, List.of(comparison), "promoted");
    }

    private static void add(
            List<Boolean> candidate, List<Boolean> live, List<String> group, String name, int cOnly, int lOnly) {
        for (int i = 0; i < 40; i++) { // both right on 40, both wrong on 40
            candidate.add(i < 20);
            live.add(i < 20);
            group.add(name);
        }
        for (int i = 0; i < cOnly; i++) {
            candidate.add(true);
            live.add(false);
            group.add(name);
        }
        for (int i = 0; i < lOnly; i++) {
            candidate.add(false);
            live.add(true);
            group.add(name);
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
        assertThat(OwnGraphs.sharedGains(vsLive(15, 2, 0, 9), THERMAL, 0.1, 58))
                .as("a group of fewer pairs than the gate needs for a modality is not judged")
                .isFalse();
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
        List<Boolean> candidate = new ArrayList<>();
        List<Boolean> live = new ArrayList<>();
        List<String> group = new ArrayList<>();
        for (int i = 0; i < OwnGraphs.MIN_PAIRS - 1; i++) { // the candidate right on every one, live on none
            candidate.add(true);
            live.add(false);
            group.add("THERMAL");
        }
        assertThat(OwnGraphs.gains(verdict(candidate, live, group), THERMAL, 0.1))
                .isFalse();
    }
}
