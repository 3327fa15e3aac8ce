package dev.edgevl.model.quant;

/**
 * The student's forward pass in plain Java, in float or with int8 fake quantization at exactly the
 * points the exporter quantizes (activations, per-channel weights, and biases on their int32 grid). It is the yardstick the exported model and the training graph are
 * both compared against; slow, simple and obviously correct rather than fast.
 */
public final class ReferenceForward {
    private ReferenceForward() {
    }

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

    private static float[] embedOne(FoldedStudent student, float[] x, boolean quantized) {
        int size = student.inputSize();
        int point = 0;
        if (quantized) {
            snap(x, student.ranges().params(point));
        }
        point++;
        for (ConvLayer c : student.convs()) {
            ConvLayer used = quantized ? quantizedConv(c, student.ranges().params(point - 1).scale()) : c;
            x = conv(x, size, used, used.weight());
            size = c.outputSize(size);
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.max(0f, x[i]);
            }
            if (quantized) {
                snap(x, student.ranges().params(point));
            }
            point++;
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
        LinearLayer p = student.projection();
        float[] w = quantized ? perChannelSymmetric(p.weight(), p.out()) : p.weight();
        float[] b = quantized ? biasesOnGrid(p.weight(), p.bias(), student.ranges().params(point).scale()) : p.bias();
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

    static float[] conv(float[] x, int size, ConvLayer c, float[] w) {
        int outSize = c.outputSize(size);
        int inPerGroup = c.inChannels() / c.groups();
        int outPerGroup = c.outChannels() / c.groups();
        int k = c.kernel();
        float[] y = new float[c.outChannels() * outSize * outSize];
        for (int o = 0; o < c.outChannels(); o++) {
            int g = o / outPerGroup;
            for (int oy = 0; oy < outSize; oy++) {
                for (int ox = 0; ox < outSize; ox++) {
                    double acc = c.bias()[o];
                    for (int ic = 0; ic < inPerGroup; ic++) {
                        int inChannel = g * inPerGroup + ic;
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * c.stride() - c.padding() + ky;
                            if (iy < 0 || iy >= size) {
                                continue;
                            }
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * c.stride() - c.padding() + kx;
                                if (ix < 0 || ix >= size) {
                                    continue;
                                }
                                acc += w[((o * inPerGroup + ic) * k + ky) * k + kx] * x[(inChannel * size + iy) * size + ix];
                            }
                        }
                    }
                    y[(o * outSize + oy) * outSize + ox] = (float) acc;
                }
            }
        }
        return y;
    }

    private static ConvLayer quantizedConv(ConvLayer c, float inputScale) {
        return new ConvLayer(c.inChannels(), c.outChannels(), c.kernel(), c.stride(), c.padding(), c.groups(),
                perChannelSymmetric(c.weight(), c.outChannels()), biasesOnGrid(c.weight(), c.bias(), inputScale));
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
            snapped[o] = QuantParams.biasOnGrid(bias[o], inputScale, QuantParams.symmetricInt8(max).scale());
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
