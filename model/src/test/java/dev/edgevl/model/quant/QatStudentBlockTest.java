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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QatStudentBlockTest {
    static FoldedStudent randomStudent(Random r, int size) {
        ConvLayer stem = new ConvLayer(3, 8, 3, 2, 1, 1, gaussian(r, 8 * 3 * 9, 0.3), gaussian(r, 8, 0.1));
        ConvLayer depthwise = new ConvLayer(8, 8, 3, 1, 1, 8, gaussian(r, 8 * 9, 0.3), gaussian(r, 8, 0.1));
        ConvLayer pointwise = new ConvLayer(8, 12, 1, 1, 0, 1, gaussian(r, 12 * 8, 0.3), gaussian(r, 12, 0.1));
        LinearLayer projection = new LinearLayer(12, 6, gaussian(r, 72, 0.4), gaussian(r, 6, 0.1));
        FoldedStudent student = new FoldedStudent(size, List.of(stem, depthwise, pointwise), projection, null);
        float[] mins = new float[5];
        float[] maxs = {3f, 4f, 4f, 4f, 2f};
        mins[0] = -3f;
        return student.withRanges(new FoldedStudent.ActivationRanges(mins, maxs));
    }

    static float[] gaussian(Random r, int n, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * sd);
        }
        return v;
    }

    @Test
    void inferenceMatchesTheReferenceFakeQuantForward() {
        int size = 12;
        FoldedStudent student = randomStudent(new Random(2), size);
        try (Model model = Model.newInstance("qat"); NDManager manager = NDManager.newBaseManager()) {
            QatStudentBlock block = new QatStudentBlock(student);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, size, size));
            float[] images = gaussian(new Random(4), 5 * 3 * size * size, 1.0);
            NDArray x = manager.create(images, new Shape(5, 3, size, size));
            float[] out = block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow().toFloatArray();
            float[][] reference = ReferenceForward.embed(student, images, 5, true);
            for (int n = 0; n < 5; n++) {
                for (int d = 0; d < 6; d++) {
                    assertThat(out[n * 6 + d]).as("image %d dim %d", n, d).isCloseTo(reference[n][d], within(2e-3f));
                }
            }
            // Inference does not move the ranges; what comes back is what went in.
            assertThat(block.toFolded().ranges().max()).containsExactly(student.ranges().max());
            assertThat(block.toFolded().convs().get(1).weight()).containsExactly(student.convs().get(1).weight());
        }
    }
}
