package dev.edgevl.model.quant;

import java.util.List;

/**
 * The student as it is quantized and exported: batch norms folded into the convolutions, so the
 * network is just conv → ReLU (repeated), global average pooling, a linear projection and L2
 * normalization. Stage 2 trains this form with fake quantization, and the exporter writes exactly
 * these weights and activation ranges, which is why the exported int8 model agrees with training.
 *
 * @param inputSize width = height of the input
 * @param convs the convolutions, each followed by ReLU
 * @param projection the linear layer after pooling
 * @param ranges activation ranges for the quantization points; null before calibration
 */
public record FoldedStudent(int inputSize, List<ConvLayer> convs, LinearLayer projection, ActivationRanges ranges) {
    public FoldedStudent {
        convs = List.copyOf(convs);
        int channels = 3;
        for (ConvLayer c : convs) {
            if (c.inChannels() != channels) {
                throw new IllegalArgumentException(
                        "a convolution expects " + c.inChannels() + " channels but gets " + channels);
            }
            channels = c.outChannels();
        }
        if (projection.in() != channels) {
            throw new IllegalArgumentException(
                    "the projection expects " + projection.in() + " features but gets " + channels);
        }
        if (ranges != null && ranges.points() != quantizationPoints(convs.size())) {
            throw new IllegalArgumentException(
                    "expected " + quantizationPoints(convs.size()) + " activation ranges, got " + ranges.points());
        }
    }

    /** Input, every conv+ReLU output, the pooled features: where activations are quantized. */
    public static int quantizationPoints(int convCount) {
        return convCount + 2;
    }

    public FoldedStudent withRanges(ActivationRanges calibrated) {
        return new FoldedStudent(inputSize, convs, projection, calibrated);
    }

    public int embeddingDim() {
        return projection.out();
    }

    public long parameterCount() {
        long n = (long) projection.weight().length + projection.bias().length;
        for (ConvLayer c : convs) {
            n += c.weight().length + c.bias().length;
        }
        return n;
    }

    /**
     * Activation ranges, one [min, max] per quantization point, in the order of
     * {@link #quantizationPoints}: the input, each conv+ReLU output, the pooled features.
     */
    public record ActivationRanges(float[] min, float[] max) {
        public ActivationRanges {
            if (min.length != max.length) {
                throw new IllegalArgumentException("min and max ranges differ in length");
            }
        }

        public int points() {
            return min.length;
        }

        public QuantParams params(int point) {
            return QuantParams.asymmetricUint8(min[point], max[point]);
        }
    }
}
