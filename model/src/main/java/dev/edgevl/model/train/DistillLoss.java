package dev.edgevl.model.train;

import ai.djl.ndarray.NDArray;

/**
 * How far the student's embedding is from the teacher's. Both are L2-normalized, so all three agree on
 * what "close" means; EdgeVL uses L1.
 */
public enum DistillLoss {
    /** Mean over the batch of the summed absolute differences. */
    L1,
    /** Mean over the batch of 1 − cosine similarity. */
    COSINE,
    /** Mean over the batch of the summed squared differences. */
    MSE;

    /** The scalar loss of a batch: {@code student} and {@code teacher} are N×D, rows unit-norm. */
    public NDArray of(NDArray student, NDArray teacher) {
        return switch (this) {
            case L1 -> student.sub(teacher).abs().sum(new int[] {1}).mean();
            case COSINE -> student.mul(teacher).sum(new int[] {1}).neg().add(1f).mean();
            case MSE -> student.sub(teacher).square().sum(new int[] {1}).mean();
        };
    }
}
