package dev.edgevl.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * EdgeVL stage 2's contrastive term: a triplet margin loss on L2-normalized embeddings with same-label
 * positives and semi-hard negatives. For unit vectors the squared distance is {@code 2 − 2·cos}.
 *
 * <p>For every (anchor, positive) pair the negative is the closest one of another label that is still
 * farther than the positive ("semi-hard": it teaches without the collapse the hardest negatives cause);
 * when there is none within the margin, the triplet is already satisfied and contributes nothing. The
 * choice of triplets is made on detached values; the loss itself is differentiable. Entries labelled
 * {@link LabelledPairBatch#UNLABELLED} take no part in any triplet.
 */
public final class TripletLoss {
    public static final float DEFAULT_MARGIN = 0.3f;

    private TripletLoss() {}

    /** A chosen triplet: indices into the batch. */
    record Triplet(int anchor, int positive, int negative) {}

    /** Mean hinge over the chosen triplets; 0 when the batch offers none (e.g. a single label). */
    public static NDArray semiHard(NDArray embeddings, int[] labels, float margin) {
        int n = labels.length;
        NDArray distances = embeddings.matMul(embeddings.transpose()).mul(-2f).add(2f);
        List<Triplet> triplets = choose(distances.toFloatArray(), labels, margin);
        NDManager manager = embeddings.getManager();
        if (triplets.isEmpty()) {
            return distances.sum().mul(0f); // keeps the graph connected, so callers can always call backward
        }
        long[] ap = new long[triplets.size()];
        long[] an = new long[triplets.size()];
        for (int i = 0; i < triplets.size(); i++) {
            Triplet t = triplets.get(i);
            ap[i] = (long) t.anchor() * n + t.positive();
            an[i] = (long) t.anchor() * n + t.negative();
        }
        NDArray flat = distances.reshape(-1);
        NDArray dap = flat.take(manager.create(ap));
        NDArray dan = flat.take(manager.create(an));
        return dap.sub(dan).add(margin).maximum(0f).mean();
    }

    /** Picks the semi-hard negative for every (anchor, positive) pair, from a row-major N×N distance matrix. */
    static List<Triplet> choose(float[] distances, int[] labels, float margin) {
        int n = labels.length;
        List<Triplet> triplets = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            if (labels[a] == LabelledPairBatch.UNLABELLED) {
                continue;
            }
            for (int p = 0; p < n; p++) {
                if (p == a || labels[p] != labels[a]) {
                    continue;
                }
                float dap = distances[a * n + p];
                int best = -1;
                float bestDistance = Float.MAX_VALUE;
                for (int k = 0; k < n; k++) {
                    float dan = distances[a * n + k];
                    if (labels[k] != LabelledPairBatch.UNLABELLED
                            && labels[k] != labels[a]
                            && dan > dap
                            && dan < dap + margin
                            && dan < bestDistance) {
                        best = k;
                        bestDistance = dan;
                    }
                }
                if (best < 0) {
                    // No semi-hard negative: a violating (harder) one still teaches something, once the semi-hard ones
                    // are gone.
                    for (int k = 0; k < n; k++) {
                        float dan = distances[a * n + k];
                        if (labels[k] != LabelledPairBatch.UNLABELLED
                                && labels[k] != labels[a]
                                && dan <= dap
                                && (best < 0 || dan > distances[a * n + best])) {
                            best = k;
                        }
                    }
                }
                if (best >= 0) {
                    triplets.add(new Triplet(a, p, best));
                }
            }
        }
        return triplets;
    }
}
