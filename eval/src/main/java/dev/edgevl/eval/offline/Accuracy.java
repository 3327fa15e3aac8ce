package dev.edgevl.eval.offline;

import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.util.List;

/** Zero-shot top-1 against ground truth: the one place ground truth meets a model's output. */
final class Accuracy {
    private Accuracy() {}

    static double top1(float[][] embeddings, LabelSet labels, List<String> truth) {
        if (embeddings.length != truth.size()) {
            throw new IllegalArgumentException(embeddings.length + " embeddings for " + truth.size() + " truths");
        }
        int right = 0;
        for (int i = 0; i < embeddings.length; i++) {
            right += ZeroShotClassifier.classify(embeddings[i], labels, 1)
                            .top1()
                            .label()
                            .equals(truth.get(i))
                    ? 1
                    : 0;
        }
        return embeddings.length == 0 ? 0 : (double) right / embeddings.length;
    }
}
