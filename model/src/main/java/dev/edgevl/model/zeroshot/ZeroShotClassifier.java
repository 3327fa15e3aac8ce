package dev.edgevl.model.zeroshot;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIP-style zero-shot classification: cosine similarity of an image embedding to every label
 * embedding, softmax of {@code similarity / temperature} over the label set, the k best labels.
 *
 * <p>An empty label set has no answer: classifying against one throws {@link IllegalArgumentException};
 * check {@link LabelSet#isEmpty()} first (the stream job annotates such frames {@code NO_LABELS}).
 * A {@code k} larger than the set gives every label.
 */
public final class ZeroShotClassifier {

    /** CLIP's learnt logit scale is 100, i.e. a softmax temperature of 0.01. */
    public static final double DEFAULT_TEMPERATURE = 0.01;

    private ZeroShotClassifier() {}

    public static Classification classify(float[] imageEmbedding, LabelSet labels, int k) {
        return classify(imageEmbedding, labels, DEFAULT_TEMPERATURE, k);
    }

    /**
     * @param imageEmbedding need not be normalized; a zero vector scores every label 0 (uniform probabilities)
     * @param temperature softmax temperature, above 0; smaller is sharper
     * @param k how many labels to return, at least 1
     */
    public static Classification classify(float[] imageEmbedding, LabelSet labels, double temperature, int k) {
        check(labels, temperature, k);
        if (imageEmbedding.length != labels.dim()) {
            throw dimensionMismatch(imageEmbedding.length, labels.dim());
        }
        return score(imageEmbedding, 0, labels, temperature, k);
    }

    public static List<Classification> classify(float[][] imageEmbeddings, LabelSet labels, double temperature, int k) {
        List<Classification> out = new ArrayList<>(imageEmbeddings.length);
        for (float[] embedding : imageEmbeddings) {
            out.add(classify(embedding, labels, temperature, k));
        }
        return out;
    }

    /** For a model's batch output as it comes: {@code rows} of {@link LabelSet#dim()} floats, back to back. */
    public static List<Classification> classifyRows(float[] rows, LabelSet labels, double temperature, int k) {
        check(labels, temperature, k);
        int dim = labels.dim();
        if (rows.length % dim != 0) {
            throw new IllegalArgumentException(rows.length + " floats are not whole rows of the label set's " + dim
                    + "-dimensional embeddings; does the model's embedding size match the teacher's?");
        }
        List<Classification> out = new ArrayList<>(rows.length / dim);
        for (int offset = 0; offset < rows.length; offset += dim) {
            out.add(score(rows, offset, labels, temperature, k));
        }
        return out;
    }

    private static Classification score(float[] image, int offset, LabelSet labels, double temperature, int k) {
        int n = labels.size();
        int dim = labels.dim();
        float[] matrix = labels.matrixView();
        double imageNorm = 0;
        for (int j = 0; j < dim; j++) {
            imageNorm += (double) image[offset + j] * image[offset + j];
        }
        imageNorm = Math.sqrt(imageNorm);
        if (!Double.isFinite(imageNorm)) {
            throw new IllegalArgumentException(
                    "The image embedding holds NaN or infinite values; the model is broken.");
        }
        double[] similarities = new double[n];
        double maxLogit = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double dot = 0;
            int row = i * dim;
            for (int j = 0; j < dim; j++) {
                dot += (double) image[offset + j] * matrix[row + j];
            }
            double similarity = imageNorm == 0 ? 0 : Math.max(-1, Math.min(1, dot / imageNorm));
            similarities[i] = similarity;
            maxLogit = Math.max(maxLogit, similarity / temperature);
        }
        double[] probabilities = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            // shifting by the largest logit keeps exp() finite at any temperature
            probabilities[i] = Math.exp(similarities[i] / temperature - maxLogit);
            sum += probabilities[i];
        }
        for (int i = 0; i < n; i++) {
            probabilities[i] /= sum;
        }
        int[] best = TopK.indices(similarities, Math.min(k, n));
        List<ScoredLabel> top = new ArrayList<>(best.length);
        for (int i : best) {
            top.add(new ScoredLabel(labels.label(i), probabilities[i], similarities[i]));
        }
        return new Classification(labels, top, similarities, probabilities);
    }

    private static void check(LabelSet labels, double temperature, int k) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("Cannot classify against an empty label set; add labels first "
                    + "(a stream job annotates such frames NO_LABELS).");
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("Temperature must be a positive number, got " + temperature + ".");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k + ".");
        }
    }

    private static IllegalArgumentException dimensionMismatch(int image, int labels) {
        return new IllegalArgumentException("The image embedding has " + image + " dimensions but the label "
                + "embeddings have " + labels + "; the model and the label set come from different teachers.");
    }
}
