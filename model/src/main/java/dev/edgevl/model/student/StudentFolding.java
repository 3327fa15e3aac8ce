package dev.edgevl.model.student;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import dev.edgevl.model.quant.ConvLayer;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.LinearLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds each batch norm of a trained student into the convolution before it:
 * {@code w' = w·γ/√(σ²+ε)} per output channel and {@code b' = β − μ·γ/√(σ²+ε)}. In inference the
 * result computes the same function with fewer operations, and it is the form that is quantized:
 * int8 weights must be the folded ones, or the exported model would not match training.
 */
public final class StudentFolding {
    /** DJL's BatchNorm default. */
    static final float BATCH_NORM_EPSILON = 1e-5f;

    private StudentFolding() {}

    public static FoldedStudent fold(Block student, StudentSpec spec) {
        List<Block> children = new ArrayList<>();
        for (Pair<String, Block> child : student.getChildren()) {
            children.add(child.getValue());
        }
        List<ConvLayer> convs = new ArrayList<>();
        int in = 3;
        int convIndex = 0;
        LinearLayer projection = null;
        for (int i = 0; i < children.size(); i++) {
            Block b = children.get(i);
            if (b instanceof Conv2d conv) {
                if (i + 1 >= children.size() || !(children.get(i + 1) instanceof BatchNorm bn)) {
                    throw new IllegalArgumentException(
                            "every convolution of the student must be followed by a batch norm");
                }
                ConvShape shape = shapeOf(spec, convIndex++, in);
                convs.add(foldConv(conv, bn, in, shape));
                in = shape.out();
            } else if (b instanceof Linear linear) {
                float[] w = array(linear, "weight");
                float[] bias = array(linear, "bias");
                projection = new LinearLayer(in, bias.length, w, bias);
            }
        }
        if (projection == null) {
            throw new IllegalArgumentException("the student has no projection layer");
        }
        return new FoldedStudent(spec.inputSize(), convs, projection, null);
    }

    private record ConvShape(int out, int kernel, int stride, int groups) {}

    /** The n-th convolution of a student built by {@link StudentNetwork}: stem, then depthwise and pointwise per block. */
    private static ConvShape shapeOf(StudentSpec spec, int n, int in) {
        if (n == 0) {
            return new ConvShape(spec.stemChannels(), 3, 2, 1);
        }
        StudentSpec.Block block = spec.blocks().get((n - 1) / 2);
        boolean depthwise = (n - 1) % 2 == 0;
        return depthwise ? new ConvShape(in, 3, block.stride(), in) : new ConvShape(block.channels(), 1, 1, 1);
    }

    private static ConvLayer foldConv(Conv2d conv, BatchNorm bn, int in, ConvShape shape) {
        float[] w = array(conv, "weight");
        float[] gamma = array(bn, "gamma");
        float[] beta = array(bn, "beta");
        float[] mean = array(bn, "runningMean");
        float[] var = array(bn, "runningVar");
        int out = shape.out();
        int per = w.length / out;
        float[] folded = new float[w.length];
        float[] bias = new float[out];
        for (int o = 0; o < out; o++) {
            float factor = gamma[o] / (float) Math.sqrt(var[o] + BATCH_NORM_EPSILON);
            for (int i = 0; i < per; i++) {
                folded[o * per + i] = w[o * per + i] * factor;
            }
            bias[o] = beta[o] - mean[o] * factor;
        }
        return new ConvLayer(in, out, shape.kernel(), shape.stride(), shape.kernel() / 2, shape.groups(), folded, bias);
    }

    private static float[] array(Block block, String name) {
        NDArray a = block.getParameters().get(name).getArray();
        return a.toFloatArray();
    }
}
