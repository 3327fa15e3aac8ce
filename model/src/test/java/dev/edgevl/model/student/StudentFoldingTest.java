package dev.edgevl.model.student;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.ReferenceForward;
import dev.edgevl.model.train.DistillConfig;
import dev.edgevl.model.train.DistillationTrainer;
import dev.edgevl.model.train.PairBatch;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StudentFoldingTest {
    @Test
    void theFoldedStudentComputesWhatTheTrainedStudentComputes() {
        int size = 16;
        int dim = 8;
        StudentSpec spec =
                new StudentSpec(size, 8, List.of(new StudentSpec.Block(16, 2), new StudentSpec.Block(24, 1)), dim);
        Random random = new Random(5);
        try (DistillationTrainer trainer =
                new DistillationTrainer(StudentNetwork.build(spec), size, DistillConfig.defaults(10))) {
            // A few steps so the batch norms have learnt scales, shifts and running statistics that are not the
            // identity.
            for (int i = 0; i < 10; i++) {
                trainer.step(randomBatch(random, 8, size, dim));
            }
            FoldedStudent folded = StudentFolding.fold(trainer.model().getBlock(), spec);
            assertThat(folded.convs()).hasSize(1 + 2 * spec.blocks().size());
            assertThat(folded.convs().get(1).groups())
                    .as("the first block's depthwise convolution")
                    .isEqualTo(8);

            float[] images = randomBatch(new Random(9), 6, size, dim).aux();
            float[][] trained = trainer.embed(images, 6, size);
            float[][] reference = ReferenceForward.embed(folded, images, 6, false);
            for (int n = 0; n < 6; n++) {
                for (int d = 0; d < dim; d++) {
                    assertThat(reference[n][d]).isCloseTo(trained[n][d], within(2e-4f));
                }
            }
        }
    }

    private static PairBatch randomBatch(Random r, int n, int size, int dim) {
        int pixels = 3 * size * size;
        float[] rgb = new float[n * pixels];
        float[] aux = new float[n * pixels];
        float[][] teacher = new float[n][dim];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (float) r.nextGaussian();
            aux[i] = (float) r.nextGaussian();
        }
        for (float[] t : teacher) {
            t[r.nextInt(dim)] = 1f;
        }
        return new PairBatch(n, size, rgb, aux, teacher);
    }
}
