package dev.edgevl.eval.offline;

import java.util.List;

/** The primary shape of every scene: read by the evaluator only, never handed to training code. */
public record GroundTruth(List<String> train, List<String> heldOut) {
    public GroundTruth {
        train = List.copyOf(train);
        heldOut = List.copyOf(heldOut);
    }
}
