package dev.edgevl.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class TripletLossTest {
    private static float[] unit(double degrees) {
        double r = Math.toRadians(degrees);
        return new float[] {(float) Math.cos(r), (float) Math.sin(r)};
    }

    @Test
    void theSemiHardNegativeIsTheClosestOneFartherThanThePositive() {
        // Distances from anchor 0: positive 1 at 0.2; negatives 2 at 0.1 (harder), 3 at 0.35 (semi-hard), 4 at 1.5
        // (easy).
        float[] d = new float[25];
        d[1] = 0.2f;
        d[2] = 0.1f;
        d[3] = 0.35f;
        d[4] = 1.5f;
        List<TripletLoss.Triplet> chosen = TripletLoss.choose(d, new int[] {0, 0, 1, 1, 2}, 0.3f);
        assertThat(chosen).contains(new TripletLoss.Triplet(0, 1, 3));
    }

    @Test
    void unlabelledEntriesAreNeitherAnchorsNorPositivesNorNegatives() {
        // Anchor 0 and positive 1; entry 2 would be the semi-hard negative and entry 3 a second positive, but both are
        // unlabelled.
        float[] d = new float[25];
        d[1] = 0.2f;
        d[2] = 0.35f;
        d[3] = 0.1f;
        d[4] = 0.4f;
        int u = LabelledPairBatch.UNLABELLED;
        List<TripletLoss.Triplet> chosen = TripletLoss.choose(d, new int[] {0, 0, u, u, 1}, 0.3f);
        assertThat(chosen).contains(new TripletLoss.Triplet(0, 1, 4));
        assertThat(chosen).allSatisfy(t -> assertThat(List.of(t.anchor(), t.positive(), t.negative()))
                .doesNotContain(2, 3));
    }

    @Test
    void theLossIsTheMeanHingeOverChosenTripletsAndZeroWhenSatisfied() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Two labels far apart: every triplet already satisfies the margin.
            NDArray apart = m.create(new float[][] {unit(0), unit(5), unit(180), unit(185)});
            assertThat(TripletLoss.semiHard(apart, new int[] {0, 0, 1, 1}, 0.3f).getFloat())
                    .isZero();

            // Anchor and positive 40° apart, a negative 50° away: inside the margin, so it costs.
            NDArray close = m.create(new float[][] {unit(0), unit(40), unit(50)});
            float dap = 2 - 2 * (float) Math.cos(Math.toRadians(40));
            float dan = 2 - 2 * (float) Math.cos(Math.toRadians(50));
            float loss = TripletLoss.semiHard(close, new int[] {0, 0, 1}, 0.3f).getFloat();
            // Triplets (0,1,2) and (1,0,2): the second has dap 40° and dan 10°, a violating negative.
            float dan2 = 2 - 2 * (float) Math.cos(Math.toRadians(10));
            float expected = ((dap - dan + 0.3f) + (dap - dan2 + 0.3f)) / 2;
            assertThat(loss).isCloseTo(expected, within(1e-5f));
        }
    }

    @Test
    void oneLabelGivesZeroLossButAGraphThatCanBackpropagate() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[][] {unit(0), unit(10)});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = TripletLoss.semiHard(x, new int[] {3, 3}, 0.3f);
                assertThat(loss.getFloat()).isZero();
                gc.backward(loss);
            }
            assertThat(x.getGradient().toFloatArray()).containsOnly(0f);
        }
    }
}
