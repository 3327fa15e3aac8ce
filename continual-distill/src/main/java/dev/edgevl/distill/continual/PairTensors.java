package dev.edgevl.distill.continual;

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

    /** Throws {@link dev.edgevl.model.preprocess.FrameFormatException} when either frame cannot become an input. */
    void check(TeacherEmbedding record) {
        if (record.getPair().getRgb() != null) {
            FramePreprocessor.toInput(record.getPair().getRgb(), spec);
        }
        FramePreprocessor.toInput(record.getPair().getAux(), spec);
    }
}
