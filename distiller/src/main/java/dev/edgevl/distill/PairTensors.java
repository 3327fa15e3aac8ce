package dev.edgevl.distill;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.train.PairBatch;
import java.util.List;

/**
 * Buffer samples as the student's input tensors, made when a batch needs them: the buffer keeps the frames' bytes
 * (a fifth of the floats' size) and preprocessing a batch costs far less than training on it. The same
 * {@link FramePreprocessor} as the stream job and the devices, so training sees what inference sees.
 */
final class PairTensors {
    private final InputSpec spec;

    PairTensors(InputSpec spec) {
        this.spec = spec;
    }

    InputSpec spec() {
        return spec;
    }

    PairBatch batch(List<ReplayBuffer.Sample> samples, int[] indices) {
        int pixels = spec.size();
        float[] rgb = new float[indices.length * pixels];
        float[] aux = new float[indices.length * pixels];
        float[][] teacher = new float[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            ReplayBuffer.Sample s = samples.get(indices[i]);
            FramePreprocessor.toInput(s.record().getPair().getRgb(), spec, rgb, i * pixels);
            FramePreprocessor.toInput(s.record().getPair().getAux(), spec, aux, i * pixels);
            teacher[i] = s.teacher();
        }
        return new PairBatch(indices.length, spec.width(), rgb, aux, teacher);
    }

    /** The non-RGB (or RGB) images of samples {@code from} to {@code to}, laid end to end. */
    float[] images(List<ReplayBuffer.Sample> samples, int from, int to, boolean nonRgb) {
        int pixels = spec.size();
        float[] out = new float[(to - from) * pixels];
        for (int i = from; i < to; i++) {
            var pair = samples.get(i).record().getPair();
            FramePreprocessor.toInput(nonRgb ? pair.getAux() : pair.getRgb(), spec, out, (i - from) * pixels);
        }
        return out;
    }

    /**
     * Checks that both frames become inputs and returns the RGB frame's mean level in 0..1 (NaN without one).
     *
     * @throws dev.edgevl.model.preprocess.FrameFormatException when either frame cannot become an input
     */
    double check(TeacherEmbedding record) {
        return check(record.getPair());
    }

    /**
     * Checks that one frame becomes an input.
     *
     * @throws dev.edgevl.model.preprocess.FrameFormatException when it cannot
     */
    void checkFrame(SensorFrame frame) {
        FramePreprocessor.toInput(frame, spec);
    }

    /** The same for a pair alone. */
    double check(FramePair pair) {
        FramePreprocessor.toInput(pair.getAux(), spec);
        if (pair.getRgb() == null) {
            return Double.NaN;
        }
        float[] rgb = FramePreprocessor.toInput(pair.getRgb(), spec);
        float[] mean = spec.mean();
        float[] std = spec.std();
        int plane = spec.planeSize();
        double sum = 0;
        for (int i = 0; i < rgb.length; i++) {
            int c = i / plane;
            sum += rgb[i] * std[c] + mean[c];
        }
        return sum / rgb.length;
    }
}
