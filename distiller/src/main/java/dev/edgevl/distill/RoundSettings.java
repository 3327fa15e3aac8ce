package dev.edgevl.distill;

import dev.edgevl.model.student.StudentSpec;
import java.util.List;

/**
 * What one retraining round trains: the student's layout (its embedding size is the teacher's, known only once
 * embeddings arrive), stage-1 epochs, the batch, stage-2 steps, the pseudo-label fraction τ, the base seed and stage 1's
 * peak learning rate, and the share of a warm-started round's change of the weights it keeps ({@code interpolation};
 * {@code newModalityInterpolation} for the own graphs of modalities the anchor pairs do not cover), and the samples
 * each pseudo-label and each non-RGB modality gets at least ({@link RoundMix}), and how such own graphs are trained (with how many
 * epochs of their own, and from what, when trained alone).
 */
public record RoundSettings(
        int inputSize,
        int stemChannels,
        List<StudentSpec.Block> blocks,
        int epochs,
        int batch,
        int qatSteps,
        double pseudoLabelFraction,
        long seed,
        double learningRate,
        double interpolation,
        double stage2LearningRate,
        double newModalityInterpolation,
        int minPerLabel,
        int minPerModality,
        OwnGraphTraining ownGraphTraining,
        int ownGraphEpochs,
        OwnGraphStart ownGraphStart) {

    /** How the graph of a modality of its own is trained in a round. */
    public enum OwnGraphTraining {
        /** From the round's one stage 1 on every modality, batch-norm statistics then re-estimated on its images. */
        JOINT,
        /** By a stage 1 of its own on that modality's images alone, from the round's starting weights. */
        ALONE
    }

    /** What an own graph trained alone starts a round from. */
    public enum OwnGraphStart {
        /** The round's starting weights (version 0's under {@code distill.round.start-from=anchor}). */
        ANCHOR,
        /**
         * The weights behind the live version's own graph for that modality, when it has one and the store holds them:
         * the graph keeps what earlier rounds taught it and learns from each round's pairs on top.
         */
        LIVE
    }

    public RoundSettings {
        blocks = List.copyOf(blocks);
        if (inputSize < 16
                || stemChannels < 1
                || blocks.isEmpty()
                || epochs < 1
                || batch < 4
                || qatSteps < 0
                || !(pseudoLabelFraction > 0 && pseudoLabelFraction <= 1)
                || !(learningRate > 0 && learningRate < 1)
                || !(interpolation >= 0 && interpolation <= 1)
                || !(stage2LearningRate > 0 && stage2LearningRate < 1)
                || !(newModalityInterpolation >= 0 && newModalityInterpolation <= 1)
                || minPerLabel < 0
                || minPerModality < 0
                || ownGraphTraining == null
                || ownGraphEpochs < 1
                || ownGraphStart == null) {
            throw new IllegalArgumentException("invalid round settings");
        }
    }

    /** The same round with other stage-1 epochs and seed (e.g. a longer offline bootstrap). */
    public RoundSettings with(int newEpochs, long newSeed) {
        return new RoundSettings(
                inputSize,
                stemChannels,
                blocks,
                newEpochs,
                batch,
                qatSteps,
                pseudoLabelFraction,
                newSeed,
                learningRate,
                interpolation,
                stage2LearningRate,
                newModalityInterpolation,
                minPerLabel,
                minPerModality,
                ownGraphTraining,
                ownGraphEpochs,
                ownGraphStart);
    }

    /** Whether modalities the anchor pairs do not cover get graphs of their own, kept further from the start. */
    public boolean ownGraphsForNewModalities() {
        return newModalityInterpolation > interpolation;
    }

    public StudentSpec student(int embeddingDim) {
        return new StudentSpec(inputSize, stemChannels, blocks, embeddingDim);
    }
}
