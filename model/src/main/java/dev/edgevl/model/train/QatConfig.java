package dev.edgevl.model.train;

/**
 * Stage-2 settings: quantization-aware contrastive training.
 *
 * @param learningRate peak learning rate (lower than stage 1: this fine-tunes)
 * @param finalLearningRate learning rate at the end of the cosine schedule
 * @param weightDecay AdamW's decoupled weight decay
 * @param steps updates the schedule spans
 * @param margin triplet margin on squared distances of unit vectors (EdgeVL: 0.3)
 * @param distillWeight weight of an L1 term to the teacher's embedding alongside the triplet terms. The
 *     triplet loss alone only orders students' embeddings among themselves and may drift away from the
 *     teacher's text embeddings that zero-shot labelling compares against; this term keeps it anchored.
 *     0 gives the triplet loss alone.
 * @param seed seeds the engine's random numbers
 */
public record QatConfig(
        float learningRate,
        float finalLearningRate,
        float weightDecay,
        int steps,
        float margin,
        float distillWeight,
        int seed) {
    public QatConfig {
        if (!(learningRate > 0)
                || finalLearningRate < 0
                || weightDecay < 0
                || steps < 1
                || margin < 0
                || distillWeight < 0) {
            throw new IllegalArgumentException("invalid stage-2 settings");
        }
    }

    /** The same settings with another peak learning rate (the final one a hundredth of it). */
    public QatConfig withLearningRate(float peak) {
        return new QatConfig(peak, peak / 100, weightDecay, steps, margin, distillWeight, seed);
    }

    public static QatConfig defaults(int steps) {
        return defaults(steps, 42);
    }

    /**
     * The settings the offline evaluation and the distiller's rounds train stage 2 with: lr 1e-4 to 1e-6, margin 0.3, L1
     * weight 1. Stage 2 starts from a student that is already good; at 5e-4 (the earlier default) it cost a round's
     * student 4–5 points of agreement with the teacher on pairs it did not train on, at 1e-4 about 1.
     */
    public static QatConfig defaults(int steps, int seed) {
        return new QatConfig(1e-4f, 1e-6f, 0.01f, steps, TripletLoss.DEFAULT_MARGIN, 1.0f, seed);
    }
}
