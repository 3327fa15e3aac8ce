package dev.edgevl.model.train;

/**
 * One stage-1 batch: N RGB images, their N paired non-RGB images (both N×3×S×S, CHW, preprocessed) and
 * the teacher's embedding of each RGB image (N×D, unit-norm). There is deliberately no field for
 * anything the simulator knows: training cannot read ground truth because it is never handed any.
 */
public record PairBatch(int size, int imageSize, float[] rgb, float[] aux, float[][] teacher) {
    public PairBatch {
        int pixels = 3 * imageSize * imageSize;
        if (size < 1 || rgb.length != size * pixels || aux.length != size * pixels || teacher.length != size) {
            throw new IllegalArgumentException("A batch of " + size + " needs " + size + " RGB and non-RGB images of 3x"
                    + imageSize + "x"
                    + imageSize + " and " + size + " teacher embeddings; got " + rgb.length / Math.max(1, pixels) + ", "
                    + aux.length / Math.max(1, pixels) + " and " + teacher.length);
        }
    }

    public int embeddingDim() {
        return teacher[0].length;
    }
}
