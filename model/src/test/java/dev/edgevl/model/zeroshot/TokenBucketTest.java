package dev.edgevl.model.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void noMoreThanTheFractionOfAKeysFramesGoesThroughFromTheStart() {
        TokenBucket bucket = new TokenBucket(0.05, 5);
        int frames = 1_000_000;
        long balance = bucket.initialBalance();
        int routed = 0;
        for (int i = 0; i < frames; i++) {
            TokenBucket.Outcome o = bucket.offer(balance, TokenBucket.Ask.ANY);
            balance = o.balance();
            routed += o.granted() ? 1 : 0;
        }

        assertThat(routed).isLessThanOrEqualTo((int) (0.05 * frames));
        // and the budget is used, not starved: every twentieth frame
        assertThat(routed).isGreaterThanOrEqualTo((int) (0.05 * frames) - 1);
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
            TokenBucket.Outcome o =
                    bucket.offer(balance, random.nextDouble() < 0.3 ? TokenBucket.Ask.ANY : TokenBucket.Ask.NONE);
            balance = o.balance();
            routed += o.granted() ? 1 : 0;
            lowest = Math.min(lowest, balance);
            worstExcess = Math.max(worstExcess, routed - (0.07 * seen + 3));
        }

        assertThat(lowest).isNotNegative();
        assertThat(worstExcess).isLessThanOrEqualTo(0);
    }

    @Test
    void uncertainFramesThatWantEveryTokenLeaveTheExplorationSliceItsWholeShare() {
        // every frame is uncertain and wants through; one in 200 is also an exploration pick (a tenth of the budget)
        TokenBucket bucket = new TokenBucket(0.05, 5);
        Random random = new Random(5);
        int frames = 400_000;
        long withReserve = bucket.initialBalance();
        long without = bucket.initialBalance();
        int picks = 0;
        int explorationWithReserve = 0;
        int explorationWithout = 0;
        int uncertainWithReserve = 0;
        for (int i = 0; i < frames; i++) {
            boolean explores = random.nextDouble() < 0.005;
            picks += explores ? 1 : 0;
            TokenBucket.Outcome reserved =
                    bucket.offer(withReserve, explores ? TokenBucket.Ask.ANY : TokenBucket.Ask.SPARE);
            withReserve = reserved.balance();
            explorationWithReserve += reserved.granted() && explores ? 1 : 0;
            uncertainWithReserve += reserved.granted() && !explores ? 1 : 0;
            TokenBucket.Outcome firstCome = bucket.offer(without, TokenBucket.Ask.ANY);
            without = firstCome.balance();
            explorationWithout += firstCome.granted() && explores ? 1 : 0;
        }

        assertThat(explorationWithout)
                .as("first come, first served: a pick almost never finds a token")
                .isLessThan(picks / 10);
        assertThat(explorationWithReserve)
                .as("with the reserve every pick goes but one that follows another within a token's earning")
                .isGreaterThan((int) (0.95 * picks));
        assertThat(explorationWithReserve + uncertainWithReserve)
                .as("the uncertain frames get the rest, and the budget is still the budget")
                .isBetween((int) (0.05 * frames) - 2, (int) (0.05 * frames));
    }

    @Test
    void aSpareRequestNeedsATokenBeyondTheReserveAndABucketOfOneHasNone() {
        TokenBucket bucket = new TokenBucket(0.5, 5);
        long balance = bucket.initialBalance();
        balance = bucket.offer(balance, TokenBucket.Ask.NONE).balance(); // half a token
        assertThat(bucket.offer(balance, TokenBucket.Ask.SPARE).granted())
                .as("one token: the reserve")
                .isFalse();
        assertThat(bucket.offer(balance, TokenBucket.Ask.ANY).granted()).isTrue();
        balance = bucket.offer(balance, TokenBucket.Ask.NONE).balance();
        balance = bucket.offer(balance, TokenBucket.Ask.NONE).balance(); // one and a half
        assertThat(bucket.offer(balance, TokenBucket.Ask.SPARE).granted())
                .as("two tokens")
                .isTrue();

        TokenBucket one = new TokenBucket(0.5, 1);
        long b = one.offer(one.initialBalance(), TokenBucket.Ask.NONE).balance();
        assertThat(one.offer(b, TokenBucket.Ask.SPARE).granted())
                .as("a capacity of one token leaves no room for a reserve")
                .isTrue();
    }

    @Test
    void aFreshKeyEarnsItsFirstTokenAndAQuietKeyMayBurstUpToTheCapacity() {
        TokenBucket bucket = new TokenBucket(0.1, 4);
        long balance = bucket.initialBalance();
        StringBuilder decisions = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            TokenBucket.Outcome o = bucket.offer(balance, TokenBucket.Ask.ANY);
            balance = o.balance();
            decisions.append(o.granted() ? 'y' : '.');
        }
        // empty at first: the tenth frame has earned the first token
        assertThat(decisions.toString()).isEqualTo(".........y......");

        for (int i = 0; i < 50; i++) {
            balance =
                    bucket.offer(balance, TokenBucket.Ask.NONE).balance(); // a quiet stretch saves up, to the capacity
        }
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            TokenBucket.Outcome o = bucket.offer(balance, TokenBucket.Ask.ANY);
            balance = o.balance();
            burst.append(o.granted() ? 'y' : '.');
        }
        assertThat(burst.toString()).isEqualTo("yyyy..");
    }

    @Test
    void framesThatDoNotAskStillEarnButTheBucketCapsTheSavings() {
        TokenBucket bucket = new TokenBucket(0.5, 2);
        long balance = 0;
        for (int i = 0; i < 100; i++) {
            balance = bucket.offer(balance, TokenBucket.Ask.NONE).balance();
        }

        assertThat(TokenBucket.tokens(balance)).isEqualTo(2.0);
    }

    @Test
    void theSameFramesGiveTheSameDecisions() {
        TokenBucket bucket = TokenBucket.DEFAULT;
        assertThat(decisions(bucket, 42)).isEqualTo(decisions(bucket, 42));
    }

    @Test
    void aZeroFractionAllowsNothingAndAFullOneAllowsEverything() {
        assertThat(decisions(new TokenBucket(0, 2), 1).chars().filter(c -> c == 'y'))
                .isEmpty();
        assertThat(decisions(new TokenBucket(1, 1), 1).chars().filter(c -> c == 'y'))
                .hasSize(1000);
    }

    @Test
    void eachKeyHasItsOwnBudget() {
        KeyedTokenBucket<String> buckets = new KeyedTokenBucket<>(new TokenBucket(0.5, 1));

        assertThat(buckets.offer("dev-1", TokenBucket.Ask.ANY))
                .as("half a token")
                .isFalse();
        assertThat(buckets.offer("dev-1", TokenBucket.Ask.ANY))
                .as("a whole one")
                .isTrue();
        assertThat(buckets.offer("dev-1", TokenBucket.Ask.ANY)).isFalse();
        assertThat(buckets.offer("dev-2", TokenBucket.Ask.ANY))
                .as("dev-2 earns its own")
                .isFalse();
        assertThat(buckets.tokens("dev-2")).isEqualTo(0.5);
        assertThat(buckets.tokens("dev-3")).isEqualTo(0.0);
        assertThat(buckets.keys()).isEqualTo(2);
        assertThat(buckets.offer("dev-1", TokenBucket.Ask.ANY)).isTrue();
        buckets.forget("dev-1");
        assertThat(buckets.tokens("dev-1")).as("forgotten: a new key").isEqualTo(0.0);
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
            boolean wanted = random.nextBoolean() || bucket.fraction() == 1;
            TokenBucket.Outcome o = bucket.offer(balance, wanted ? TokenBucket.Ask.ANY : TokenBucket.Ask.NONE);
            balance = o.balance();
            out.append(o.granted() ? 'y' : '.');
        }
        return out.toString();
    }
}
