package dev.edgevl.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * CLIP's symmetric image–text contrastive loss, with several positives per row: captions repeat
 * within a batch (two scenes can both be "a small red cube on a grey floor"), and calling all but one
 * of them negatives would punish the model for being right. Row i's target is spread evenly over the
 * texts whose caption group equals its own, and the same for columns.
 */
public final class ContrastiveLoss {
    private ContrastiveLoss() {}

    /**
     * @param images N×D unit-norm image embeddings
     * @param texts N×D unit-norm text embeddings, row i describing image i
     * @param groups caption group per row: equal numbers mean equal captions
     * @param temperature softmax temperature (CLIP learns it; 0.07 is its starting value)
     */
    public static NDArray of(NDArray images, NDArray texts, int[] groups, float temperature) {
        int n = groups.length;
        float[] target = new float[n * n];
        for (int i = 0; i < n; i++) {
            int positives = 0;
            for (int j = 0; j < n; j++) {
                positives += groups[i] == groups[j] ? 1 : 0;
            }
            for (int j = 0; j < n; j++) {
                target[i * n + j] = groups[i] == groups[j] ? 1f / positives : 0f;
            }
        }
        NDManager manager = images.getManager();
        NDArray q = manager.create(target, new ai.djl.ndarray.types.Shape(n, n)); // symmetric: rows and columns alike
        NDArray logits = images.matMul(texts.transpose()).div(temperature);
        NDArray imageToText =
                logits.logSoftmax(1).mul(q).sum(new int[] {1}).neg().mean();
        NDArray textToImage =
                logits.transpose().logSoftmax(1).mul(q).sum(new int[] {1}).neg().mean();
        return imageToText.add(textToImage).div(2f);
    }
}
