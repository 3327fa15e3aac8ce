package dev.edgevl.model.train;

/**
 * Stage-1 settings: AdamW with a cosine learning-rate schedule over {@code steps} updates.
 *
 * @param learningRate peak learning rate
 * @param finalLearningRate learning rate at the end of the cosine schedule
 * @param weightDecay AdamW's decoupled weight decay
 * @param steps updates the schedule spans (later steps stay at the final rate)
 * @param loss the distance between student and teacher embeddings
 * @param seed seeds the engine's random numbers (weight initialization), so a run can be repeated
 */
public record DistillConfig(
        float learningRate, float finalLearningRate, float weightDecay, int steps, DistillLoss loss, int seed) {
    public DistillConfig {
        if (!(learningRate > 0) || finalLearningRate < 0 || weightDecay < 0 || steps < 1) {
            throw new IllegalArgumentException(
                    "learning rates must be positive, weight decay not negative and steps at least 1");
        }
    }

    public static DistillConfig defaults(int steps) {
        return new DistillConfig(2e-3f, 2e-5f, 0.05f, steps, DistillLoss.L1, 42);
    }
}
