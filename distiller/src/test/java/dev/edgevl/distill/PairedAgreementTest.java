package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PairedAgreementTest {

    private static boolean[] pattern(int n, int every, int offset) {
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            out[i] = (i + offset) % every != 0;
        }
        return out;
    }

    @Test
    void countsTheDiscordantPairs() {
        PairedAgreement p = PairedAgreement.of(
                new boolean[] {true, true, false, false, true}, new boolean[] {true, false, true, false, false});
        assertThat(p).isEqualTo(new PairedAgreement(5, 1, 2, 1));
        assertThat(p.candidateRate()).isCloseTo(0.6, within(1e-12));
        assertThat(p.otherRate()).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void theNormalDistributionFunction() {
        assertThat(PairedAgreement.normalCdf(0)).isCloseTo(0.5, within(1e-7));
        assertThat(PairedAgreement.normalCdf(1.96)).isCloseTo(0.975, within(1e-4));
        assertThat(PairedAgreement.normalCdf(-1.645)).isCloseTo(0.05, within(1e-3));
    }

    @Test
    void anEqualCandidateOnManyPairsIsShownNotMuchWorseAndOnFewIsNot() {
        // The same rate (80%), different pairs wrong: 20% discordant each way.
        PairedAgreement many = PairedAgreement.of(pattern(1000, 5, 0), pattern(1000, 5, 1));
        assertThat(many.pWorseBy(0.05)).isLessThan(0.01);
        PairedAgreement few = PairedAgreement.of(pattern(40, 5, 0), pattern(40, 5, 1));
        assertThat(few.pWorseBy(0.05)).as("40 pairs cannot tell a 5-point loss").isGreaterThan(0.1);
    }

    @Test
    void aClearlyWorseCandidateIsNotShownNotWorse() {
        // candidate 80%, the other 90%, on 1000 pairs
        PairedAgreement worse = PairedAgreement.of(pattern(1000, 5, 1), pattern(1000, 10, 0));
        assertThat(worse.candidateRate()).isLessThan(worse.otherRate());
        assertThat(worse.pWorseBy(0.02)).isGreaterThan(0.5);
    }

    @Test
    void identicalVerdictsDifferByNothing() {
        PairedAgreement same = PairedAgreement.of(pattern(50, 3, 0), pattern(50, 3, 0));
        assertThat(same.pWorseBy(0.01)).isZero();
        assertThat(PairedAgreement.of(new boolean[0], new boolean[0]).pWorseBy(0.05))
                .isEqualTo(1.0);
    }
}
