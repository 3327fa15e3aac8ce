package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelfTargetPoolTest {
    private static FramePair thermal(long sequence) {
        return TestSamples.thermal(TestSamples.sample("dev-t", sequence, (int) (sequence % 4)))
                .getPair();
    }

    private static FramePair depth(long sequence) {
        return TestSamples.sample("dev-d", sequence, (int) (sequence % 4)).getPair();
    }

    private static List<FramePair> pairs(SelfTargetPool pool, Set<Modality> modalities) {
        return pool.entries(modalities).stream().map(SelfTargetPool.Entry::pair).toList();
    }

    @Test
    void keepsTheSameHashedShareWhateverTheOrderAndKeepsNoPairTwice() {
        SelfTargetPool first = new SelfTargetPool(0.25, 10_000);
        SelfTargetPool reversed = new SelfTargetPool(0.25, 10_000);
        List<Long> kept = new ArrayList<>();
        for (long i = 0; i < 2000; i++) {
            if (first.offer(thermal(i))) {
                kept.add(i);
            }
        }
        for (long i = 1999; i >= 0; i--) {
            reversed.offer(thermal(i));
            reversed.offer(thermal(i)); // a replayed record is not kept twice
        }
        assertThat(kept.size()).isBetween(430, 570); // 500 expected, binomial sd ≈ 19
        assertThat(reversed.size(Modality.THERMAL)).isEqualTo(kept.size());
        assertThat(pairs(first, Set.of(Modality.THERMAL)).stream()
                        .map(p -> p.getAux().getSequence())
                        .toList())
                .containsExactlyElementsOf(kept);
    }

    @Test
    void keepsTheNewestUpToTheCapacityPerModality() {
        SelfTargetPool pool = new SelfTargetPool(1.0, 5);
        for (long i = 0; i < 20; i++) {
            pool.offer(thermal(i));
            pool.offer(depth(i));
        }
        assertThat(pool.size(Modality.THERMAL)).isEqualTo(5);
        assertThat(pool.size(Modality.DEPTH)).isEqualTo(5);
        assertThat(pairs(pool, Set.of(Modality.THERMAL)).stream()
                        .map(p -> p.getAux().getSequence()))
                .containsExactly(15L, 16L, 17L, 18L, 19L);
        assertThat(pairs(pool, EnumSet.of(Modality.THERMAL, Modality.DEPTH))).hasSize(10);
        // a pair dropped for space may come back: it is no longer held
        assertThat(pool.offer(thermal(0))).isTrue();
    }

    @Test
    void aKeptPairGetsTheFramePairedWithTheSameRgbFrameAsItsCompanionWhicheverArrivesFirst() {
        SelfTargetPool pool = new SelfTargetPool(1.0, 100);
        FramePair depthFirst = TestSamples.sample("dev-t", 1, 1).getPair();
        assertThat(pool.offerCompanion(depthFirst))
                .as("nothing kept to take it yet")
                .isFalse();
        pool.offer(thermal(1));
        pool.offer(thermal(2));
        FramePair depthAfter = TestSamples.sample("dev-t", 2, 2).getPair();
        assertThat(pool.offerCompanion(depthAfter)).isTrue();
        pool.offer(thermal(3));
        assertThat(pool.offerCompanion(TestSamples.sample("dev-other", 3, 3).getPair()))
                .as("another device's frame of the same sequence is another moment")
                .isFalse();
        assertThat(pool.entries(Set.of(Modality.THERMAL)).stream()
                        .map(e -> e.companion() == null ? null : e.companion().getSequence())
                        .toList())
                .containsExactly(1L, 2L, null);
        assertThat(pool.entries(Set.of(Modality.THERMAL)).get(0).companion()).isEqualTo(depthFirst.getAux());
    }

    @Test
    void keepsOnlyTheNewestUnclaimedCompanionsAndForgetsWhatADroppedPairAwaited() {
        SelfTargetPool pool = new SelfTargetPool(1.0, 2);
        for (long i = 0; i <= SelfTargetPool.RECENT_COMPANIONS; i++) {
            pool.offerCompanion(TestSamples.sample("dev-t", i, 0).getPair());
        }
        pool.offer(thermal(0)); // its companion was the oldest: dropped
        pool.offer(thermal(SelfTargetPool.RECENT_COMPANIONS));
        assertThat(pool.entries(Set.of(Modality.THERMAL)).stream()
                        .map(e -> e.companion() != null)
                        .toList())
                .containsExactly(false, true);
        pool.offer(thermal(5000));
        pool.offer(thermal(5001)); // thermal(0) is dropped for space, and no longer awaits its companion
        assertThat(pool.offerCompanion(TestSamples.sample("dev-t", 0, 0).getPair()))
                .isFalse();
        assertThat(pool.offerCompanion(TestSamples.sample("dev-t", 5001, 0).getPair()))
                .isTrue();
    }

    @Test
    void keepsNothingWithoutAnRgbFrameOrWithoutRoom() {
        FramePair noRgb = FramePair.newBuilder(thermal(1)).setRgb(null).build();
        assertThat(new SelfTargetPool(1.0, 10).offer(noRgb)).isFalse();
        assertThat(new SelfTargetPool(1.0, 0).offer(thermal(1))).isFalse();
        assertThat(new SelfTargetPool(0.0, 10).offer(thermal(1))).isFalse();
        assertThatThrownBy(() -> new SelfTargetPool(1.5, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SelfTargetPool(0.5, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
