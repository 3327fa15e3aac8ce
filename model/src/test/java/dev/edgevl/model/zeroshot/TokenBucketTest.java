package dev.edgevl.model.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void inTheLongRunNoMoreThanTheFractionPlusTheBurstGoesThrough() {
        TokenBucket bucket = new TokenBucket(0.05, 5);
        int frames = 1_000_000;
        long balance = bucket.initialBalance();
        int routed = 0;
        for (int i = 0; i < frames; i++) {
            TokenBucket.Outcome o = bucket.offer(balance, true);
            balance = o.balance();
            routed += o.granted() ? 1 : 0;
        }

        assertThat(routed).isLessThanOrEqualTo((int) (0.05 * frames + 5));
        // and the budget is used, not starved: every twentieth frame once the burst is gone
        assertThat(routed).isGreaterThanOrEqualTo((int) (0.05 * frames + 5) - 1);
    }

    @Test
    void theBoundHoldsOverEveryPrefixWhateverFramesAskAndTheBalanceNeverGoesNegative() {
        TokenBucket bucket = new TokenBucket(0.07, 3);
        Random random = new Random(11);
        long balance = bucket.initialBalance();
        int routed = 0;
        long lowest = Long.MAX_VALUE;
        double worstExcess = Double.NEGATIVE_INFINITY;
        for (int seen = 1; seen <= 200_000; seen++) {
            TokenBucket.Outcome o = bucket.offer(balance, random.nextDouble() < 0.3);
            balance = o.balance();
            routed += o.granted() ? 1 : 0;
            lowest = Math.min(lowest, balance);
            worstExcess = Math.max(worstExcess, routed - (0.07 * seen + 3));
        }

        assertThat(lowest).isNotNegative();
        assertThat(worstExcess).isLessThanOrEqualTo(0);
    }

    @Test
    void aFreshKeyMayBurstUpToTheCapacityThenWaits() {
        TokenBucket bucket = new TokenBucket(0.1, 4);
        long balance = bucket.initialBalance();
        StringBuilder decisions = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            TokenBucket.Outcome o = bucket.offer(balance, true);
            balance = o.balance();
            decisions.append(o.granted() ? 'y' : '.');
        }

        // four from the full bucket, a fifth from the 0.4 tokens those frames earned plus six more frames
        assertThat(decisions.toString()).isEqualTo("yyyy.....y......");
    }

    @Test
    void framesThatDoNotAskStillEarnButTheBucketCapsTheSavings() {
        TokenBucket bucket = new TokenBucket(0.5, 2);
        long balance = 0;
        for (int i = 0; i < 100; i++) {
            balance = bucket.offer(balance, false).balance();
        }

        assertThat(TokenBucket.tokens(balance)).isEqualTo(2.0);
    }

    @Test
    void theSameFramesGiveTheSameDecisions() {
        TokenBucket bucket = TokenBucket.DEFAULT;
        assertThat(decisions(bucket, 42)).isEqualTo(decisions(bucket, 42));
    }

    @Test
    void aZeroFractionAllowsOnlyTheBurstAndAFullOneAllowsEverything() {
        assertThat(decisions(new TokenBucket(0, 2), 1).chars().filter(c -> c == 'y')).hasSize(2);
        assertThat(decisions(new TokenBucket(1, 1), 1).chars().filter(c -> c == 'y')).hasSize(1000);
    }

    @Test
    void eachKeyHasItsOwnBudget() {
        KeyedTokenBucket<String> buckets = new KeyedTokenBucket<>(new TokenBucket(0.01, 1));

        assertThat(buckets.offer("dev-1", true)).isTrue();
        assertThat(buckets.offer("dev-1", true)).isFalse();
        assertThat(buckets.offer("dev-2", true)).isTrue();
        assertThat(buckets.tokens("dev-3")).isEqualTo(1.0);
        assertThat(buckets.keys()).isEqualTo(2);
        buckets.forget("dev-1");
        assertThat(buckets.offer("dev-1", true)).isTrue();
    }

    @Test
    void nonsenseSettingsAreRejected() {
        assertThatThrownBy(() -> new TokenBucket(1.5, 5)).hasMessageContaining("fraction");
        assertThatThrownBy(() -> new TokenBucket(0.05, 0.5)).hasMessageContaining("no frame could ever go through");
    }

    private static String decisions(TokenBucket bucket, long seed) {
        Random random = new Random(seed);
        long balance = bucket.initialBalance();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            TokenBucket.Outcome o = bucket.offer(balance, random.nextBoolean() || bucket.fraction() == 1);
            balance = o.balance();
            out.append(o.granted() ? 'y' : '.');
        }
        return out.toString();
    }
}
