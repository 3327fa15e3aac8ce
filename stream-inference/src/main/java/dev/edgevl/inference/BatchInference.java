package dev.edgevl.inference;

import dev.edgevl.avro.Modality;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.zeroshot.Classification;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.Uncertainty;
import dev.edgevl.model.zeroshot.UncertaintyCalculator;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * One batch through the student: every non-RGB image in one call (one per graph when a modality has its own), every
 * RGB image present in a second, then
 * zero-shot labels and uncertainty per frame. Pure apart from the model call; the operator and the benchmark share it.
 */
public final class BatchInference {
    /** A frame's outcome; classifications are null when the label set is empty, the RGB parts when there is no RGB frame. */
    public record Scored(
            PendingFrame frame,
            float[] embedding,
            float[] rgbEmbedding,
            Classification labels,
            Classification rgbLabels,
            Uncertainty uncertainty) {}

    /** The outcome of a batch and how long the model took for it. */
    public record Outcome(List<Scored> frames, long inferenceNanos) {}

    /**
     * The batch's input arrays, kept from one batch to the next by a caller that runs batches one at a time (an
     * operator instance, the benchmark's loop): a batch of 32 pairs is 3 MB of floats, which every batch used to
     * allocate afresh. Not thread-safe.
     */
    public static final class Scratch {
        private float[] aux = new float[0];
        private float[] rgb = new float[0];

        float[] aux(int floats) {
            return aux = atLeast(aux, floats);
        }

        float[] rgb(int floats) {
            return rgb = atLeast(rgb, floats);
        }

        private static float[] atLeast(float[] kept, int floats) {
            return kept.length < floats ? new float[floats] : kept;
        }
    }

    private BatchInference() {}

    /** Runs the batch, its input arrays taken from {@code scratch}. */
    public static Outcome run(
            List<PendingFrame> batch, LiveModel model, LabelSet labels, int topK, double temperature, Scratch scratch) {
        InputSpec spec = model.spec();
        int n = batch.size();
        int pixels = spec.size();
        float[] aux = scratch.aux(n * pixels);
        Modality[] auxModalities = new Modality[n];
        int rgbCount = 0;
        List<PendingFrame> prepared = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PendingFrame f = batch.get(i).preparedFor(spec);
            prepared.add(f);
            System.arraycopy(f.aux(), 0, aux, i * pixels, pixels);
            auxModalities[i] = f.pair().getAux().getModality();
            rgbCount += f.hasRgb() ? 1 : 0;
        }
        float[] rgb = scratch.rgb(rgbCount * pixels);
        int r = 0;
        for (PendingFrame f : prepared) {
            if (f.hasRgb()) {
                System.arraycopy(f.rgb(), 0, rgb, r++ * pixels, pixels);
            }
        }
        long start = System.nanoTime();
        float[][] auxEmbeddings = model.embed(auxModalities, aux);
        float[][] rgbEmbeddings = rgbCount == 0 ? new float[0][] : model.embed(rgb, rgbCount);
        long inferenceNanos = System.nanoTime() - start;

        boolean classify = !labels.isEmpty();
        List<Scored> out = new ArrayList<>(n);
        r = 0;
        for (int i = 0; i < n; i++) {
            PendingFrame f = prepared.get(i);
            float[] rgbEmbedding = f.hasRgb() ? rgbEmbeddings[r++] : null;
            Classification auxLabels =
                    classify ? ZeroShotClassifier.classify(auxEmbeddings[i], labels, temperature, topK) : null;
            Classification rgbLabels = classify && rgbEmbedding != null
                    ? ZeroShotClassifier.classify(rgbEmbedding, labels, temperature, topK)
                    : null;
            Uncertainty u = auxLabels == null
                    ? null
                    : rgbLabels == null
                            ? UncertaintyCalculator.of(auxLabels)
                            : UncertaintyCalculator.of(auxLabels, rgbLabels);
            out.add(new Scored(f, auxEmbeddings[i], rgbEmbedding, auxLabels, rgbLabels, u));
        }
        return new Outcome(out, inferenceNanos);
    }
}
