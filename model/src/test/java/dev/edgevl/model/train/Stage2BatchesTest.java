package dev.edgevl.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Stage2BatchesTest {
    /** Picks 10..19 of 100 pairs, pseudo-label = sample % 3. */
    private static List<PseudoLabels.Pick> picks() {
        List<PseudoLabels.Pick> out = new ArrayList<>();
        for (int s = 10; s < 20; s++) {
            out.add(new PseudoLabels.Pick(s, s % 3, 0.9));
        }
        return out;
    }

    @Test
    void halfOfEveryBatchIsPseudoLabelledPicksAndHalfIsUnlabelledPairs() {
        Stage2Batches batches = new Stage2Batches(picks(), 100, 8, new Random(1));
        for (int b = 0; b < 20; b++) {
            Stage2Batches.Batch batch = batches.next();
            assertThat(batch.samples()).hasSize(8);
            for (int i = 0; i < 4; i++) {
                assertThat(batch.samples()[i]).isBetween(10, 19);
                assertThat(batch.pseudoLabels()[i]).isEqualTo(batch.samples()[i] % 3);
            }
            for (int i = 4; i < 8; i++) {
                assertThat(batch.samples()[i]).isBetween(0, 99);
                assertThat(batch.pseudoLabels()[i]).isEqualTo(LabelledPairBatch.UNLABELLED);
            }
        }
    }

    @Test
    void everyPickAndEveryPairIsSeenOncePerPass() {
        Stage2Batches batches = new Stage2Batches(picks(), 100, 10, new Random(2));
        Map<Integer, Integer> picked = new HashMap<>();
        Map<Integer, Integer> drawn = new HashMap<>();
        for (int b = 0; b < 20; b++) { // 20 × 5 = 100 picks (10 passes), 100 pairs (1 pass)
            Stage2Batches.Batch batch = batches.next();
            for (int i = 0; i < 5; i++) {
                picked.merge(batch.samples()[i], 1, Integer::sum);
                drawn.merge(batch.samples()[i + 5], 1, Integer::sum);
            }
        }
        assertThat(picked).hasSize(10).allSatisfy((sample, times) -> assertThat(times)
                .isEqualTo(10));
        assertThat(drawn).hasSize(100).allSatisfy((sample, times) -> assertThat(times)
                .isEqualTo(1));
    }

    @Test
    void fewPicksLeaveMoreRoomForUnlabelledPairsAndTheOrderIsReproducible() {
        List<PseudoLabels.Pick> three = picks().subList(0, 3);
        Stage2Batches.Batch batch = new Stage2Batches(three, 50, 16, new Random(3)).next();
        assertThat(Arrays.stream(batch.pseudoLabels())
                        .filter(l -> l != LabelledPairBatch.UNLABELLED)
                        .count())
                .isEqualTo(3);
        assertThat(batch.samples()).hasSize(16);
        assertThat(new Stage2Batches(three, 50, 16, new Random(3)).next().samples())
                .isEqualTo(batch.samples());
        assertThatThrownBy(() -> new Stage2Batches(List.of(), 50, 16, new Random(3)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
