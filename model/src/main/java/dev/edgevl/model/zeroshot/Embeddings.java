package dev.edgevl.model.zeroshot;

import java.util.List;

/**
 * Vector maths on embeddings. Sums run in double, so results do not depend on how large the values
 * are, and are the same on every JVM (Java floating point is strict). Nothing here changes its
 * arguments.
 */
public final class Embeddings {

    private Embeddings() {}

    public static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    /** {@code v / |v|}; a zero vector comes back as a zero vector, not NaN. */
    public static float[] l2Normalize(float[] v) {
        double norm = norm(v);
        float[] out = new float[v.length];
        if (norm == 0) {
            return out;
        }
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    /** An embedding as the Avro records carry it. */
    public static List<Float> boxed(float[] v) {
        List<Float> out = new java.util.ArrayList<>(v.length);
        for (float x : v) {
            out.add(x);
        }
        return out;
    }

    /** An embedding from an Avro record, as the math here takes it. */
    public static float[] unboxed(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    public static double dot(float[] a, float[] b) {
        requireSameDim(a, b);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** Cosine similarity in -1..1; 0 when either vector is zero, since a zero vector points nowhere. */
    public static double cosine(float[] a, float[] b) {
        double norms = norm(a) * norm(b);
        return norms == 0 ? 0 : Math.max(-1, Math.min(1, dot(a, b) / norms));
    }

    /** Element-wise mean of vectors of one dimension. */
    public static float[] mean(List<float[]> vectors) {
        if (vectors.isEmpty()) {
            throw new IllegalArgumentException("The mean of no vectors is undefined.");
        }
        int dim = vectors.get(0).length;
        double[] sum = new double[dim];
        for (float[] v : vectors) {
            requireDim(v, dim);
            for (int i = 0; i < dim; i++) {
                sum[i] += v[i];
            }
        }
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            out[i] = (float) (sum[i] / vectors.size());
        }
        return out;
    }

    /**
     * One label's embedding from its prompt templates ("a photo of a {}", "a depth image of a {}", …),
     * as CLIP builds its zero-shot classifier: normalise each template's embedding so every template
     * weighs the same, average, normalise again.
     */
    public static float[] averagePromptEmbeddings(List<float[]> templateEmbeddings) {
        if (templateEmbeddings.isEmpty()) {
            throw new IllegalArgumentException("A label needs at least one prompt embedding to average.");
        }
        int dim = templateEmbeddings.get(0).length;
        double[] sum = new double[dim];
        for (float[] v : templateEmbeddings) {
            requireDim(v, dim);
            double norm = norm(v);
            if (norm == 0) {
                continue;
            }
            for (int i = 0; i < dim; i++) {
                sum[i] += v[i] / norm;
            }
        }
        float[] mean = new float[dim];
        for (int i = 0; i < dim; i++) {
            mean[i] = (float) (sum[i] / templateEmbeddings.size());
        }
        return l2Normalize(mean);
    }

    static void requireSameDim(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("Embeddings differ in size: " + a.length + " vs " + b.length + ".");
        }
    }

    private static void requireDim(float[] v, int dim) {
        if (v.length != dim) {
            throw new IllegalArgumentException("Embeddings differ in size: " + v.length + " vs " + dim + ".");
        }
    }
}
