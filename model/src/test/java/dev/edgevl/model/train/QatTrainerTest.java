package dev.edgevl.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.ReferenceForward;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QatTrainerTest {
    private static final int SIZE = 12;
    private static final int DIM = 6;

    private static LabelledPairBatch batch(Random r, int n) {
        int pixels = 3 * SIZE * SIZE;
        float[] rgb = new float[n * pixels];
        float[] aux = new float[n * pixels];
        float[][] teacher = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(3);
            teacher[i] = new float[DIM];
            teacher[i][labels[i]] = 1f;
            for (int p = 0; p < SIZE * SIZE; p++) {
                for (int c = 0; c < 3; c++) {
                    rgb[i * pixels + c * SIZE * SIZE + p] =
                            (c == labels[i] ? 1.5f : -0.5f) + 0.2f * (float) r.nextGaussian();
                    aux[i * pixels + c * SIZE * SIZE + p] =
                            (labels[i] - 1) * (p / SIZE) / (float) SIZE + 0.1f * (float) r.nextGaussian();
                }
            }
        }
        return new LabelledPairBatch(new PairBatch(n, SIZE, rgb, aux, teacher), labels);
    }

    @Test
    void stageTwoLowersTheLossKeepsMemoryFlatAndReturnsAnExportableStudent() {
        FoldedStudent start = dev.edgevl.model.quant.TestStudents.random(new Random(3), SIZE);
        Random r = new Random(8);
        try (QatTrainer trainer = new QatTrainer(start, new QatConfig(3e-3f, 3e-5f, 0.0f, 40, 0.3f, 1.0f, 5))) {
            float first = 0;
            for (int i = 0; i < 3; i++) {
                first += trainer.step(batch(r, 12)) / 3;
            }
            int live = trainer.liveArrays();
            float last = 0;
            for (int i = 3; i < 40; i++) {
                float loss = trainer.step(batch(r, 12));
                if (i >= 30) {
                    last += loss / 10;
                }
            }
            assertThat(trainer.liveArrays())
                    .as("live NDArrays after 37 more steps")
                    .isEqualTo(live);
            assertThat(last).as("stage-2 loss, last 10 steps vs first 3").isLessThan(first * 0.8f);

            FoldedStudent trained = trainer.result();
            assertThat(trained.ranges()).isNotNull();
            assertThat(trained.ranges().max()).isNotEqualTo(start.ranges().max());
            float[][] aux = ReferenceForward.embed(
                    trained, batch(new Random(1), 4).pairs().aux(), 4, true);
            for (float[] e : aux) {
                double norm = 0;
                for (float v : e) {
                    norm += v * v;
                }
                assertThat(norm)
                        .as("the exported form still gives unit-norm embeddings")
                        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }
}
