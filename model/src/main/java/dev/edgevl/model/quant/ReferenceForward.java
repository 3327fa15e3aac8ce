package dev.edgevl.model.quant;

/**
 * The student's forward pass in plain Java, in float or with int8 fake quantization at exactly the
 * points the exporter quantizes (activations, per-channel weights, and biases on their int32 grid). It is the yardstick the exported model and the training graph are
 * both compared against; slow, simple and obviously correct rather than fast.
 */
public final class ReferenceForward {
    private ReferenceForward() {}

    /** Embeddings (unit-norm) of N images (N × 3 × S × S, CHW). */
    public static float[][] embed(FoldedStudent student, float[] images, int count, boolean quantized) {
        if (quantized && student.ranges() == null) {
            throw new IllegalStateException("the student has no calibrated activation ranges to quantize with");
        }
        int s = student.inputSize();
        int pixels = 3 * s * s;
        float[][] out = new float[count][];
        for (int n = 0; n < count; n++) {
            float[] x = new float[pixels];
            System.arraycopy(images, n * pixels, x, 0, pixels);
            out[n] = embedOne(student, x, quantized);
        }
        return out;
    }

    /** Sees the activations at each quantization point, in order: the input, every conv+ReLU output, the pooled features. */
    @FunctionalInterface
    public interface PointObserver {
        void observe(int point, float[] values);
    }

    /**
     * Runs one image (3 × S × S, CHW) through the float student up to the pooled features, showing each
     * quantization point's activations to {@code observer}: what calibration measures ranges on.
     */
    public static void trace(FoldedStudent student, float[] image, PointObserver observer) {
        features(student, image.clone(), false, observer);
    }

    private static float[] embedOne(FoldedStudent student, float[] x, boolean quantized) {
        float[] pooled = features(student, x, quantized, (point, values) -> {});
        int point = FoldedStudent.quantizationPoints(student.convs().size()) - 1;
        LinearLayer p = student.projection();
        float[] w = quantized ? perChannelSymmetric(p.weight(), p.out()) : p.weight();
        float[] b = quantized
                ? biasesOnGrid(
                        p.weight(), p.bias(), student.ranges().params(point).scale())
                : p.bias();
        float[] e = new float[p.out()];
        for (int o = 0; o < p.out(); o++) {
            double acc = b[o];
            for (int i = 0; i < p.in(); i++) {
                acc += w[o * p.in() + i] * pooled[i];
            }
            e[o] = (float) acc;
        }
        double norm = 0;
        for (float v : e) {
            norm += v * v;
        }
        float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
        for (int i = 0; i < e.length; i++) {
            e[i] *= inv;
        }
        return e;
    }

    /** The pooled features of one image; in quantized mode every point is snapped to its grid before the observer sees it. */
    private static float[] features(FoldedStudent student, float[] x, boolean quantized, PointObserver observer) {
        int size = student.inputSize();
        int point = 0;
        if (quantized) {
            snap(x, student.ranges().params(point));
        }
        observer.observe(point++, x);
        for (ConvLayer c : student.convs()) {
            ConvLayer used = quantized
                    ? quantizedConv(c, student.ranges().params(point - 1).scale())
                    : c;
            x = conv(x, size, used, used.weight());
            size = c.outputSize(size);
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.max(0f, x[i]);
            }
            if (quantized) {
                snap(x, student.ranges().params(point));
            }
            observer.observe(point++, x);
        }
        int channels = student.projection().in();
        float[] pooled = new float[channels];
        int area = size * size;
        for (int ch = 0; ch < channels; ch++) {
            double sum = 0;
            for (int i = 0; i < area; i++) {
                sum += x[ch * area + i];
            }
            pooled[ch] = (float) (sum / area);
        }
        if (quantized) {
            snap(pooled, student.ranges().params(point));
        }
        observer.observe(point, pooled);
        return pooled;
    }

    /** Loops weight-outermost (each weight read once per image) and accumulates in double. */
    static float[] conv(float[] x, int size, ConvLayer c, float[] w) {
        int outSize = c.outputSize(size);
        int plane = outSize * outSize;
        int inPerGroup = c.inChannels() / c.groups();
        int outPerGroup = c.outChannels() / c.groups();
        int k = c.kernel();
        double[] acc = new double[plane];
        float[] y = new float[c.outChannels() * plane];
        for (int o = 0; o < c.outChannels(); o++) {
            java.util.Arrays.fill(acc, c.bias()[o]);
            for (int ic = 0; ic < inPerGroup; ic++) {
                int in = (o / outPerGroup * inPerGroup + ic) * size * size;
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        float weight = w[((o * inPerGroup + ic) * k + ky) * k + kx];
                        for (int oy = 0; oy < outSize; oy++) {
                            int iy = oy * c.stride() - c.padding() + ky;
                            if (iy < 0 || iy >= size) {
                                continue;
                            }
                            for (int ox = 0; ox < outSize; ox++) {
                                int ix = ox * c.stride() - c.padding() + kx;
                                if (ix >= 0 && ix < size) {
                                    acc[oy * outSize + ox] += weight * x[in + iy * size + ix];
                                }
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < plane; i++) {
                y[o * plane + i] = (float) acc[i];
            }
        }
        return y;
    }

    private static ConvLayer quantizedConv(ConvLayer c, float inputScale) {
        return new ConvLayer(
                c.inChannels(),
                c.outChannels(),
                c.kernel(),
                c.stride(),
                c.padding(),
                c.groups(),
                perChannelSymmetric(c.weight(), c.outChannels()),
                biasesOnGrid(c.weight(), c.bias(), inputScale));
    }

    /** Each output channel's bias on its int32 grid (input scale × that channel's weight scale). */
    public static float[] biasesOnGrid(float[] weight, float[] bias, float inputScale) {
        int per = weight.length / bias.length;
        float[] snapped = new float[bias.length];
        for (int o = 0; o < bias.length; o++) {
            float max = 0;
            for (int i = 0; i < per; i++) {
                max = Math.max(max, Math.abs(weight[o * per + i]));
            }
            snapped[o] = QuantParams.biasOnGrid(
                    bias[o], inputScale, QuantParams.symmetricInt8(max).scale());
        }
        return snapped;
    }

    /** Weights snapped to a symmetric int8 grid with one scale per output channel. */
    public static float[] perChannelSymmetric(float[] w, int outChannels) {
        int per = w.length / outChannels;
        float[] q = new float[w.length];
        for (int o = 0; o < outChannels; o++) {
            float max = 0;
            for (int i = 0; i < per; i++) {
                max = Math.max(max, Math.abs(w[o * per + i]));
            }
            QuantParams p = QuantParams.symmetricInt8(max);
            for (int i = 0; i < per; i++) {
                q[o * per + i] = p.fakeQuantize(w[o * per + i]);
            }
        }
        return q;
    }

    private static void snap(float[] x, QuantParams p) {
        for (int i = 0; i < x.length; i++) {
            x[i] = p.fakeQuantize(x[i]);
        }
    }
}
