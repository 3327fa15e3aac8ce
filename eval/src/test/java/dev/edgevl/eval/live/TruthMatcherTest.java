package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TruthMatcherTest {
    private static final FrameKey A = new FrameKey("cam-0", "depth0", 1);
    private static final FrameKey B = new FrameKey("cam-0", "depth0", 2);
    private static final FrameKey C = new FrameKey("cam-1", "depth0", 1);

    @Test
    void matchesWhicheverSideArrivesFirst() {
        TruthMatcher<String> m = new TruthMatcher<>(10);
        assertThat(m.offerItem(A, "annotation A")).isEmpty();
        assertThat(m.offerTruth(A, "cube")).contains(new TruthMatcher.Match<>(A, "annotation A", "cube"));

        assertThat(m.offerTruth(B, "torus")).isEmpty();
        assertThat(m.offerItem(B, "annotation B")).contains(new TruthMatcher.Match<>(B, "annotation B", "torus"));
        assertThat(m.matched()).isEqualTo(2);
        assertThat(m.waitingItems()).isZero();
        assertThat(m.waitingTruths()).isZero();
    }

    @Test
    void theSameSequenceOnAnotherDeviceIsAnotherFrame() {
        TruthMatcher<String> m = new TruthMatcher<>(10);
        m.offerTruth(A, "cube");
        assertThat(m.offerItem(C, "annotation C")).isEmpty();
        assertThat(m.offerItem(new FrameKey("cam-0", "thermal0", 1), "thermal")).isEmpty();
    }

    @Test
    void fullBuffersDropTheirOldestAndCountIt() {
        TruthMatcher<String> m = new TruthMatcher<>(2);
        m.offerItem(A, "a");
        m.offerItem(B, "b");
        m.offerItem(C, "c");
        assertThat(m.evictedItems()).isEqualTo(1);
        assertThat(m.offerTruth(A, "cube")).as("the oldest went").isEmpty();
        assertThat(m.offerTruth(C, "cube")).map(TruthMatcher.Match::item).isEqualTo(Optional.of("c"));
        m.offerTruth(new FrameKey("x", "y", 1), "l");
        m.offerTruth(new FrameKey("x", "y", 2), "l");
        assertThat(m.evictedTruths()).isEqualTo(1);
    }

    @Test
    void aFramesLabelIsItsPrimaryObjectsShape() {
        assertThat(TruthLabels.label(Records.truth("cam-0", "depth0", 1, 0, "cone")))
                .contains("cone");
    }
}
