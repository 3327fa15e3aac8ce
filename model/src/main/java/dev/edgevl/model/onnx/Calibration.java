package dev.edgevl.model.onnx;

import dev.edgevl.model.quant.ConvLayer;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.FoldedStudent.ActivationRanges;
import java.util.Arrays;

/**
 * Post-training calibration: runs the float student over sample images and records the minimum and
 * maximum at every quantization point. Plain min/max rather than percentiles because it never clips
 * a value seen in calibration and is what the min/max observers of quantization-aware training
 * estimate too, so both sources of {@link ActivationRanges} mean the same thing. Images can be fed
 * in several batches; memory stays at one image's activations.
 */
public final class Calibration {
    private final FoldedStudent student;
    private final float[] min;
    private final float[] max;
    private long observed;

    public Calibration(FoldedStudent student) {
        this.student = student;
        int points = FoldedStudent.quantizationPoints(student.convs().size());
        min = new float[points];
        max = new float[points];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
    }

    /** The student with ranges calibrated on these images (N × 3 × S × S, CHW). */
    public static FoldedStudent calibrate(FoldedStudent student, float[] images, int count) {
        return new Calibration(student).observe(images, count).calibrated();
    }

    public Calibration observe(float[] images, int count) {
        int s = student.inputSize();
        int pixels = 3 * s * s;
        if (count < 0 || images.length < (long) count * pixels) {
            throw new IllegalArgumentException(count + " images of 3x" + s + "x" + s + " need " + (long) count * pixels + " floats, got " + images.length);
        }
        for (int n = 0; n < count; n++) {
            observeOne(Arrays.copyOfRange(images, n * pixels, (n + 1) * pixels));
        }
        observed += count;
        return this;
    }

    public ActivationRanges ranges() {
        if (observed == 0) {
            throw new IllegalStateException("no calibration images observed yet");
        }
        return new ActivationRanges(min.clone(), max.clone());
    }

    public FoldedStudent calibrated() {
        return student.withRanges(ranges());
    }

    private void observeOne(float[] x) {
        int point = 0;
        record(point++, x);
        int size = student.inputSize();
        for (ConvLayer c : student.convs()) {
            x = convRelu(x, size, c);
            size = c.outputSize(size);
            record(point++, x);
        }
        int channels = student.projection().in();
        int area = size * size;
        float[] pooled = new float[channels];
        for (int ch = 0; ch < channels; ch++) {
            double sum = 0;
            for (int i = 0; i < area; i++) {
                sum += x[ch * area + i];
            }
            pooled[ch] = (float) (sum / area);
        }
        record(point, pooled);
    }

    private void record(int point, float[] values) {
        for (float v : values) {
            min[point] = Math.min(min[point], v);
            max[point] = Math.max(max[point], v);
        }
    }

    /**
     * Same arithmetic as ReferenceForward's convolution, looped weight-outermost so each weight is
     * read once per image; float accumulation is fine here because only the extremes are kept.
     */
    private static float[] convRelu(float[] x, int size, ConvLayer c) {
        int outSize = c.outputSize(size);
        int inPerGroup = c.inChannels() / c.groups();
        int outPerGroup = c.outChannels() / c.groups();
        int k = c.kernel();
        float[] y = new float[c.outChannels() * outSize * outSize];
        for (int o = 0; o < c.outChannels(); o++) {
            int out = o * outSize * outSize;
            Arrays.fill(y, out, out + outSize * outSize, c.bias()[o]);
            for (int ic = 0; ic < inPerGroup; ic++) {
                int in = (o / outPerGroup * inPerGroup + ic) * size * size;
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        float w = c.weight()[((o * inPerGroup + ic) * k + ky) * k + kx];
                        for (int oy = 0; oy < outSize; oy++) {
                            int iy = oy * c.stride() - c.padding() + ky;
                            if (iy < 0 || iy >= size) {
                                continue;
                            }
                            for (int ox = 0; ox < outSize; ox++) {
                                int ix = ox * c.stride() - c.padding() + kx;
                                if (ix >= 0 && ix < size) {
                                    y[out + oy * outSize + ox] += w * x[in + iy * size + ix];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.max(0f, y[i]);
        }
        return y;
    }
}
