package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.model.zeroshot.LabelSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateTest {
    private final Gate gate = new Gate(0.03, 0.1, 200, 50);

    /** Per-pair verdicts: {@code both} pairs both agree on, then candidate-only, other-only, and neither for the rest. */
    private static boolean[][] verdicts(int n, int both, int candidateOnly, int otherOnly) {
        boolean[] c = new boolean[n];
        boolean[] o = new boolean[n];
        int i = 0;
        for (int k = 0; k < both; k++, i++) {
            c[i] = true;
            o[i] = true;
        }
        for (int k = 0; k < candidateOnly; k++, i++) {
            c[i] = true;
        }
        for (int k = 0; k < otherOnly; k++, i++) {
            o[i] = true;
        }
        return new boolean[][] {c, o};
    }

    private static String[] groups(int n, String name) {
        String[] g = new String[n];
        Arrays.fill(g, name);
        return g;
    }

    private Gate.Verdict decide(boolean[][] v, String[] groups) {
        Gate.Comparison live = Gate.Comparison.of("live v3", "vsLive", v[0], v[1], groups);
        return gate.decide(Gate.rate(v[0]), 0.5, v[0].length, List.of(live));
    }

    @Test
    void theFirstVersionIsPromotedWithNothingToCompare() {
        Gate.Verdict v = gate.decide(0.4, 0.5, 5, List.of());
        assertThat(v.promote()).isTrue();
        assertThat(v.reason()).contains("first version");
        assertThat(v.metrics(gate)).containsEntry("gate.promoted", 1.0).doesNotContainKey("gate.liveNonRgbAgreement");
    }

    @Test
    void belowTheStatedSampleSizeTheGateRefusesToJudgeEvenAClearlyBetterCandidate() {
        Gate.Verdict v = decide(verdicts(199, 20, 100, 0), groups(199, "DEPTH"));
        assertThat(v.promote()).isFalse();
        assertThat(v.reason()).contains("only 199 pairs").contains("needs 200");
    }

    @Test
    void anEqualCandidateIsKept() {
        // 300 pairs, 40% agreement each, 15 discordant pairs each way: identical rates.
        Gate.Verdict v = decide(verdicts(300, 105, 15, 15), groups(300, "DEPTH"));
        assertThat(v.promote()).as(v.reason()).isTrue();
        assertThat(v.reason()).contains("promoted").contains("live v3");
        assertThat(v.metrics(gate))
                .containsEntry("gate.vsLive.pairs", 300.0)
                .containsEntry("gate.vsLive.candidateOnly", 15.0)
                .containsEntry("gate.vsLive.DEPTH.pairs", 300.0)
                .containsKey("gate.vsLive.pWorseByMargin")
                .containsKey("gate.vsLive.DEPTH.pAtLeastAsGood");
    }

    @Test
    void aClearlyWorseCandidateIsRejected() {
        // Five points worse: 30 pairs only the live version gets right, 15 only the candidate.
        Gate.Verdict v = decide(verdicts(300, 105, 15, 30), groups(300, "DEPTH"));
        assertThat(v.promote()).isFalse();
        assertThat(v.reason()).contains("rejected").contains("not shown within 3 points of live v3");
        assertThat(v.metrics(gate)).containsEntry("gate.promoted", 0.0);
    }

    @Test
    void aCandidateShownWorseOnOneModalityIsRejectedEvenWhenBetterOverall() {
        // Depth: 200 pairs, candidate much better; thermal: 100 pairs, candidate 12 points worse.
        boolean[][] depth = verdicts(200, 60, 50, 5);
        boolean[][] thermal = verdicts(100, 20, 2, 14);
        boolean[] c = concat(depth[0], thermal[0]);
        boolean[] o = concat(depth[1], thermal[1]);
        String[] g = concat(groups(200, "DEPTH"), groups(100, "THERMAL"));
        Gate.Verdict v = decide(new boolean[][] {c, o}, g);
        assertThat(v.promote()).isFalse();
        assertThat(v.reason()).contains("worse than live v3 on THERMAL");
    }

    @Test
    void aSmallModalityIsReportedButNotTested() {
        boolean[][] depth = verdicts(260, 100, 24, 8);
        boolean[][] thermal = verdicts(40, 10, 0, 10);
        Gate.Verdict v = decide(
                new boolean[][] {concat(depth[0], thermal[0]), concat(depth[1], thermal[1])},
                concat(groups(260, "DEPTH"), groups(40, "THERMAL")));
        assertThat(v.metrics(gate)).containsEntry("gate.vsLive.THERMAL.pairs", 40.0);
        assertThat(v.reason()).contains("THERMAL 0.250/0.500").doesNotContain("worse than live v3 on THERMAL");
        assertThat(v.promote()).as(v.reason()).isTrue();
    }

    @Test
    void everyComparisonMustPass() {
        boolean[][] vsLive = verdicts(300, 105, 15, 15);
        boolean[][] vsV0 = verdicts(300, 105, 15, 35);
        Gate.Verdict v = gate.decide(
                Gate.rate(vsLive[0]),
                0.5,
                300,
                List.of(
                        Gate.Comparison.of("live v3", "vsLive", vsLive[0], vsLive[1], groups(300, "DEPTH")),
                        Gate.Comparison.of("v0", "vsV0", vsV0[0], vsV0[1], groups(300, "DEPTH"))));
        assertThat(v.promote()).isFalse();
        assertThat(v.reason()).contains("not shown within 3 points of v0").doesNotContain("of live v3");
        assertThat(v.metrics(gate)).containsKey("gate.vsV0.pWorseByMargin");
    }

    @Test
    void agreementComparesTopOnesOverTheLabels() {
        LabelSet labels = LabelSet.of(Map.of("a", new float[] {1, 0}, "b", new float[] {0, 1}));
        float[][] teacher = {{1, 0}, {0, 1}, {1, 0}, {0, 1}};
        float[][] student = {{0.9f, 0.1f}, {0.2f, 0.8f}, {0.1f, 0.9f}, {0.6f, 0.4f}};
        assertThat(Gate.agreement(student, teacher, labels)).isCloseTo(0.5, within(1e-9));
        assertThat(Gate.agreement(teacher, teacher, labels)).isEqualTo(1.0);
    }

    private static boolean[] concat(boolean[] a, boolean[] b) {
        boolean[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
