package dev.edgevl.model.train;

import java.util.List;
import java.util.Random;

/**
 * The order of stage 2's batches. Half of every batch is the teacher's most confident pairs with their pseudo-labels,
 * which the triplet terms train on; the other half is drawn from all training pairs, unlabelled
 * ({@link LabelledPairBatch#UNLABELLED}), which only the pull to the teacher's embedding sees. Trained on the
 * confident pairs alone, the student drifts towards the easy scenes the teacher is sure of: in the offline evaluation
 * that cost 2–3 points on depth against the fp32 student, however low the learning rate; with the unlabelled half
 * it kept the fp32 figure. Both halves walk through reshuffled passes of their pool, so every pair is seen
 * equally often.
 */
public final class Stage2Batches {
    /** The samples of one batch (indices into the training pairs) and their pseudo-labels, labelled half first. */
    public record Batch(int[] samples, int[] pseudoLabels) {}

    private final List<PseudoLabels.Pick> picks;
    private final int pairs;
    private final int labelled;
    private final int unlabelled;
    private final Random random;
    private int[] pickOrder = new int[0];
    private int pickCursor;
    private int[] pairOrder = new int[0];
    private int pairCursor;

    /**
     * @param picks the pseudo-labelled pairs ({@link PseudoLabels#select}); at least one
     * @param pairs how many training pairs there are (pick indices point into them)
     * @param batch pairs per batch: half labelled (no more than there are picks), the rest unlabelled
     */
    public Stage2Batches(List<PseudoLabels.Pick> picks, int pairs, int batch, Random random) {
        if (picks.isEmpty() || batch < 2 || pairs < 1) {
            throw new IllegalArgumentException("stage 2 needs pseudo-labelled pairs and batches of at least 2, got "
                    + picks.size() + " picks, batch " + batch + ", " + pairs + " pairs");
        }
        this.picks = List.copyOf(picks);
        this.pairs = pairs;
        this.labelled = Math.min(batch / 2, picks.size());
        this.unlabelled = batch - labelled;
        this.random = random;
    }

    public Batch next() {
        int[] samples = new int[labelled + unlabelled];
        int[] labels = new int[samples.length];
        for (int i = 0; i < labelled; i++) {
            if (pickCursor == pickOrder.length) {
                pickOrder = Shuffle.permutation(picks.size(), random);
                pickCursor = 0;
            }
            PseudoLabels.Pick p = picks.get(pickOrder[pickCursor++]);
            samples[i] = p.sample();
            labels[i] = p.label();
        }
        for (int i = labelled; i < samples.length; i++) {
            if (pairCursor == pairOrder.length) {
                pairOrder = Shuffle.permutation(pairs, random);
                pairCursor = 0;
            }
            samples[i] = pairOrder[pairCursor++];
            labels[i] = LabelledPairBatch.UNLABELLED;
        }
        return new Batch(samples, labels);
    }
}
