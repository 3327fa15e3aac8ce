package dev.edgevl.model.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random folded students and images with fixed seeds, shaped like the real ones. */
public final class TestStudents {
    private TestStudents() {}

    /** 16×16 input; a full conv, a depthwise stride-2 conv and a pointwise conv; projection to 8. */
    public static FoldedStudent tiny(long seed) {
        Random r = new Random(seed);
        List<ConvLayer> convs =
                List.of(conv(r, 3, 8, 3, 1, 1, 1), conv(r, 8, 8, 3, 2, 1, 8), conv(r, 8, 16, 1, 1, 0, 1));
        return new FoldedStudent(16, convs, linear(r, 16, 8), null);
    }

    /** A MobileNet-like student of about 0.5 M parameters on 64×64, the demo's size. */
    public static FoldedStudent realistic(long seed) {
        Random r = new Random(seed);
        List<ConvLayer> convs = new ArrayList<>();
        convs.add(conv(r, 3, 32, 3, 2, 1, 1));
        int[][] blocks = {{32, 64, 1}, {64, 128, 2}, {128, 256, 2}, {256, 512, 2}, {512, 512, 1}};
        for (int[] b : blocks) {
            convs.add(conv(r, b[0], b[0], 3, b[2], 1, b[0]));
            convs.add(conv(r, b[0], b[1], 1, 1, 0, 1));
        }
        return new FoldedStudent(64, convs, linear(r, 512, 128), null);
    }

    /**
     * Images with structure rather than white noise: a colour cast, a gradient and a blob per image
     * plus noise, so that embeddings differ between images as they do for real photos; normalized
     * like ImageNet inputs (roughly −2..2).
     */
    public static float[] images(int count, int size, long seed) {
        Random r = new Random(seed);
        float[] out = new float[count * 3 * size * size];
        for (int n = 0; n < count; n++) {
            double gx = r.nextGaussian();
            double gy = r.nextGaussian();
            double cx = r.nextDouble() * size;
            double cy = r.nextDouble() * size;
            double radius = 2 + r.nextDouble() * size / 3;
            for (int c = 0; c < 3; c++) {
                double cast = r.nextGaussian();
                double blob = r.nextGaussian() * 1.5;
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (radius * radius);
                        double v =
                                cast + 0.5 * (gx * x + gy * y) / size + blob * Math.exp(-d2) + 0.3 * r.nextGaussian();
                        out[((n * 3 + c) * size + y) * size + x] = (float) v;
                    }
                }
            }
        }
        return out;
    }

    public static float[][] unitVectors(int count, int dim, long seed) {
        Random r = new Random(seed);
        float[][] v = new float[count][dim];
        for (float[] row : v) {
            double norm = 0;
            for (int i = 0; i < dim; i++) {
                row[i] = (float) r.nextGaussian();
                norm += row[i] * row[i];
            }
            for (int i = 0; i < dim; i++) {
                row[i] /= (float) Math.sqrt(norm);
            }
        }
        return v;
    }

    public static int argmaxDot(float[] embedding, float[][] labels) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < labels.length; l++) {
            double s = 0;
            for (int i = 0; i < embedding.length; i++) {
                s += embedding[i] * labels[l][i];
            }
            if (s > bestScore) {
                bestScore = s;
                best = l;
            }
        }
        return best;
    }

    public static float maxAbsDifference(float[][] a, float[][] b) {
        float max = 0;
        for (int n = 0; n < a.length; n++) {
            for (int i = 0; i < a[n].length; i++) {
                max = Math.max(max, Math.abs(a[n][i] - b[n][i]));
            }
        }
        return max;
    }

    /** He-initialized weights keep activations in a stable range through the stack, as trained ones are. */
    private static ConvLayer conv(Random r, int in, int out, int k, int stride, int pad, int groups) {
        int fanIn = in / groups * k * k;
        float[] w = gaussian(r, out * fanIn, Math.sqrt(2.0 / fanIn));
        return new ConvLayer(in, out, k, stride, pad, groups, w, gaussian(r, out, 0.1));
    }

    private static LinearLayer linear(Random r, int in, int out) {
        return new LinearLayer(in, out, gaussian(r, in * out, Math.sqrt(1.0 / in)), gaussian(r, out, 0.1));
    }

    public static float[] gaussian(Random r, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return v;
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
}
