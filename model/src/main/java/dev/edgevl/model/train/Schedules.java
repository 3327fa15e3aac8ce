package dev.edgevl.model.train;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;

/** The optimizer both training stages use: AdamW with a cosine learning-rate schedule. */
final class Schedules {
    private Schedules() {}

    static Optimizer adamWCosine(float learningRate, float finalLearningRate, float weightDecay, int steps) {
        CosineTracker schedule = CosineTracker.builder()
                .setBaseValue(learningRate)
                .optFinalValue(finalLearningRate)
                .setMaxUpdates(steps)
                .build();
        return Optimizer.adamW()
                .optLearningRateTracker(schedule)
                .optWeightDecays(weightDecay)
                .build();
    }
}
