package dev.edgevl.model.train;

/**
 * A stage-2 batch: pairs with the teacher's pseudo-label of each (its zero-shot top-1 over the live
 * label set, as an index). Pseudo-labels come from the teacher, never from the simulator.
 */
public record LabelledPairBatch(PairBatch pairs, int[] pseudoLabels) {
    public LabelledPairBatch {
        if (pseudoLabels.length != pairs.size()) {
            throw new IllegalArgumentException("one pseudo-label per pair: " + pairs.size() + " pairs, " + pseudoLabels.length + " labels");
        }
    }
}
