package dev.edgevl.model.train;

/**
 * A stage-2 batch: pairs with the teacher's pseudo-label of each (its zero-shot top-1 over the live
 * label set, as an index), or {@link #UNLABELLED} for a pair that only the pull to the teacher's embedding
 * sees. Pseudo-labels come from the teacher, never from the simulator.
 */
public record LabelledPairBatch(PairBatch pairs, int[] pseudoLabels) {
    /** The pseudo-label of a pair outside the confident picks: it is no anchor, positive or negative of a triplet. */
    public static final int UNLABELLED = -1;

    public LabelledPairBatch {
        if (pseudoLabels.length != pairs.size()) {
            throw new IllegalArgumentException(
                    "one pseudo-label per pair: " + pairs.size() + " pairs, " + pseudoLabels.length + " labels");
        }
    }
}
