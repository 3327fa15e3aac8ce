package dev.edgevl.model.quant;

import java.util.List;
import java.util.Random;

/** Students for tests that need one without training it first. */
public final class TestStudents {
    private TestStudents() {
    }

    /** A small folded student (stem, depthwise, pointwise, projection) with random weights and plausible ranges. */
    public static FoldedStudent random(Random r, int size) {
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

    public static float[] gaussian(Random r, int n, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * sd);
        }
        return v;
    }
}
