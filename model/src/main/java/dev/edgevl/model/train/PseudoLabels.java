package dev.edgevl.model.train;

import dev.edgevl.model.zeroshot.Classification;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * EdgeVL's label-free supervision for stage 2: the teacher's zero-shot top-1 over the live label set
 * is a sample's pseudo-label, and only the most confident fraction τ of samples (by the teacher's
 * softmax probability) is kept, because the teacher's unsure guesses would teach the student wrong.
 */
public final class PseudoLabels {
    /** EdgeVL keeps the top 25%. */
    public static final double DEFAULT_FRACTION = 0.25;

    /** A kept sample: its index in the input, its pseudo-label (index into the label set) and the teacher's confidence. */
    public record Pick(int sample, int label, double confidence) {}

    private PseudoLabels() {}

    /**
     * The most confident {@code fraction} of samples (at least one when there are any), most confident
     * first; ties keep input order.
     */
    public static List<Pick> select(
            float[][] teacherImageEmbeddings, LabelSet labels, double fraction, double temperature) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the kept fraction must be in (0, 1], got " + fraction);
        }
        List<Pick> all = new ArrayList<>(teacherImageEmbeddings.length);
        for (int i = 0; i < teacherImageEmbeddings.length; i++) {
            Classification c = ZeroShotClassifier.classify(teacherImageEmbeddings[i], labels, temperature, 1);
            all.add(new Pick(i, labels.indexOf(c.top1().label()), c.top1().probability()));
        }
        all.sort(Comparator.comparingDouble(Pick::confidence).reversed().thenComparingInt(Pick::sample));
        int keep = all.isEmpty() ? 0 : Math.max(1, (int) Math.round(fraction * all.size()));
        return List.copyOf(all.subList(0, keep));
    }
}
