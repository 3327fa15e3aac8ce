package dev.edgevl.distill;

import dev.edgevl.model.student.StudentSpec;
import java.util.List;

/**
 * What one retraining round trains: the student's layout (its embedding size is the teacher's, known only once
 * embeddings arrive), stage-1 epochs, the batch, stage-2 steps, the pseudo-label fraction τ and the base seed.
 */
public record RoundSettings(
        int inputSize,
        int stemChannels,
        List<StudentSpec.Block> blocks,
        int epochs,
        int batch,
        int qatSteps,
        double pseudoLabelFraction,
        long seed) {
    public RoundSettings {
        blocks = List.copyOf(blocks);
        if (inputSize < 16
                || stemChannels < 1
                || blocks.isEmpty()
                || epochs < 1
                || batch < 4
                || qatSteps < 0
                || !(pseudoLabelFraction > 0 && pseudoLabelFraction <= 1)) {
            throw new IllegalArgumentException("invalid round settings");
        }
    }

    /** The same round with other stage-1 epochs and seed (e.g. a longer offline bootstrap). */
    public RoundSettings with(int newEpochs, long newSeed) {
        return new RoundSettings(
                inputSize, stemChannels, blocks, newEpochs, batch, qatSteps, pseudoLabelFraction, newSeed);
    }

    public StudentSpec student(int embeddingDim) {
        return new StudentSpec(inputSize, stemChannels, blocks, embeddingDim);
    }
}
