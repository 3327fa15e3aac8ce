package dev.edgevl.model.zeroshot;

import java.util.List;

/**
 * The zero-shot verdict on one image: the k best labels, and the similarity and probability of every
 * label of the set (uncertainty needs the whole distribution, not just the top k).
 */
public final class Classification {

    private final LabelSet labelSet;
    private final List<ScoredLabel> topK;
    private final double[] similarities;
    private final double[] probabilities;

    Classification(LabelSet labelSet, List<ScoredLabel> topK, double[] similarities, double[] probabilities) {
        this.labelSet = labelSet;
        this.topK = List.copyOf(topK);
        this.similarities = similarities;
        this.probabilities = probabilities;
    }

    /** Best first; ties in similarity go to the label that sorts first. */
    public List<ScoredLabel> topK() {
        return topK;
    }

    public ScoredLabel top1() {
        return topK.get(0);
    }

    /** Probability of each label, in {@link LabelSet#labels()} order; sums to 1. */
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** Cosine similarity of each label, in {@link LabelSet#labels()} order. */
    public double[] similarities() {
        return similarities.clone();
    }

    /** The probability of {@code label}, or 0 when it is not in the set. */
    public double probability(String label) {
        int i = labelSet.indexOf(label);
        return i < 0 ? 0 : probabilities[i];
    }

    public LabelSet labelSet() {
        return labelSet;
    }

    public String labelSetVersion() {
        return labelSet.version();
    }

    double[] probabilitiesView() {
        return probabilities;
    }

    @Override
    public String toString() {
        return "Classification" + topK;
    }
}
