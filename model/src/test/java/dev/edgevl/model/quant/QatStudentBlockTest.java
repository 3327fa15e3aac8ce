package dev.edgevl.model.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QatStudentBlockTest {
    @Test
    void inferenceMatchesTheReferenceFakeQuantForward() {
        int size = 12;
        FoldedStudent student = TestStudents.random(new Random(2), size);
        try (Model model = Model.newInstance("qat");
                NDManager manager = NDManager.newBaseManager()) {
            QatStudentBlock block = new QatStudentBlock(student);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, size, size));
            float[] images = TestStudents.gaussian(new Random(4), 5 * 3 * size * size, 1.0);
            NDArray x = manager.create(images, new Shape(5, 3, size, size));
            float[] out = block.forward(new ParameterStore(manager, false), new NDList(x), false)
                    .singletonOrThrow()
                    .toFloatArray();
            float[][] reference = ReferenceForward.embed(student, images, 5, true);
            for (int n = 0; n < 5; n++) {
                for (int d = 0; d < 6; d++) {
                    assertThat(out[n * 6 + d]).as("image %d dim %d", n, d).isCloseTo(reference[n][d], within(2e-3f));
                }
            }
            // Inference does not move the ranges; what comes back is what went in.
            assertThat(block.toFolded().ranges().max())
                    .containsExactly(student.ranges().max());
            assertThat(block.toFolded().convs().get(1).weight())
                    .containsExactly(student.convs().get(1).weight());
        }
    }
}
