package dev.edgevl.model.onnx;

import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.FoldedStudent.ActivationRanges;
import dev.edgevl.model.quant.ReferenceForward;
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
            throw new IllegalArgumentException(count + " images of 3x" + s + "x" + s + " need " + (long) count * pixels
                    + " floats, got " + images.length);
        }
        for (int n = 0; n < count; n++) {
            ReferenceForward.trace(student, Arrays.copyOfRange(images, n * pixels, (n + 1) * pixels), this::record);
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

    private void record(int point, float[] values) {
        for (float v : values) {
            min[point] = Math.min(min[point], v);
            max[point] = Math.max(max[point], v);
        }
    }
}
