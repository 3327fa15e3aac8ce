package dev.edgevl.model.preprocess;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a model expects as input: a {@code channels × height × width} float image (CHW), each
 * channel normalised as {@code (value - mean[c]) / std[c]} from 0..1 pixel values, brought to size
 * with {@code resize}. Frames of another size are stretched to this one, not cropped, so nothing near
 * the border is lost.
 *
 * <p>The default normalisation is mean 0.5, std 0.25 on every channel. The models of this project
 * are trained from scratch, so ImageNet or CLIP statistics carry no meaning for them; equal statistics
 * on all three channels keep a replicated depth or thermal image grey after normalisation (the three
 * channels stay identical); and 0.5/0.25 centres 0..1 on zero with roughly unit spread (-2..2). A real
 * CLIP teacher wants {@link #CLIP_MEAN} and {@link #CLIP_STD} instead, see {@link #withNormalisation}.
 *
 * @param width model input width in pixels
 * @param height model input height in pixels
 * @param channels always 3: non-RGB frames are replicated to three channels, as EdgeVL does
 * @param mean per-channel mean subtracted from 0..1 values
 * @param std per-channel standard deviation divided into the centred values
 * @param resize how frames of another size are brought to {@code width × height}
 */
public record InputSpec(int width, int height, int channels, float[] mean, float[] std, ResizeMethod resize) {

    public static final int DEFAULT_SIZE = 64;
    public static final int CHANNELS = 3;
    public static final float DEFAULT_MEAN = 0.5f;
    public static final float DEFAULT_STD = 0.25f;

    /** The normalisation OpenAI's CLIP image encoders were trained with (RGB order). */
    public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

    public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    /** 64×64, mean 0.5, std 0.25, area resize: the student of the synthetic world. */
    public static final InputSpec DEFAULT = of(DEFAULT_SIZE, DEFAULT_SIZE);

    public InputSpec {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("Input size must be positive, got " + width + "×" + height + ".");
        }
        if ((long) width * height * CHANNELS > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Input size " + width + "×" + height + " is too large for one array.");
        }
        if (channels != CHANNELS) {
            throw new IllegalArgumentException("Models take " + CHANNELS + " input channels, got " + channels + ".");
        }
        mean = checkedStats("mean", mean, false);
        std = checkedStats("std", std, true);
        Objects.requireNonNull(resize, "resize");
    }

    /** A {@code width × height} input with the default normalisation and area resize. */
    public static InputSpec of(int width, int height) {
        float[] mean = {DEFAULT_MEAN, DEFAULT_MEAN, DEFAULT_MEAN};
        float[] std = {DEFAULT_STD, DEFAULT_STD, DEFAULT_STD};
        return new InputSpec(width, height, CHANNELS, mean, std, ResizeMethod.AREA);
    }

    public InputSpec withSize(int newWidth, int newHeight) {
        return new InputSpec(newWidth, newHeight, channels, mean, std, resize);
    }

    public InputSpec withNormalisation(float[] newMean, float[] newStd) {
        return new InputSpec(width, height, channels, newMean, newStd, resize);
    }

    public InputSpec withResize(ResizeMethod newResize) {
        return new InputSpec(width, height, channels, mean, std, newResize);
    }

    /** Floats in one input: {@code channels × height × width}. */
    public int size() {
        return channels * width * height;
    }

    /** Pixels in one channel: {@code height × width}. */
    public int planeSize() {
        return width * height;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    float meanOf(int channel) {
        return mean[channel];
    }

    float stdOf(int channel) {
        return std[channel];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec s
                && s.width == width
                && s.height == height
                && s.channels == channels
                && Arrays.equals(s.mean, mean)
                && Arrays.equals(s.std, std)
                && s.resize == resize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(width, height, channels, Arrays.hashCode(mean), Arrays.hashCode(std), resize);
    }

    @Override
    public String toString() {
        return "InputSpec[" + width + "×" + height + "×" + channels + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + ", resize=" + resize + "]";
    }

    private static float[] checkedStats(String name, float[] values, boolean positive) {
        Objects.requireNonNull(values, name);
        if (values.length != CHANNELS) {
            throw new IllegalArgumentException(
                    name + " needs one value per channel (" + CHANNELS + "), got " + values.length + ".");
        }
        for (float v : values) {
            if (!Float.isFinite(v) || (positive && v <= 0)) {
                throw new IllegalArgumentException(name + " values must be finite" + (positive ? " and positive" : "")
                        + ", got " + Arrays.toString(values) + ".");
            }
        }
        return values.clone();
    }
}
