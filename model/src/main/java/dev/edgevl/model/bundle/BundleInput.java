package dev.edgevl.model.bundle;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.edgevl.avro.Modality;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What the model in a bundle expects as input: image size, channels, per-channel normalisation of 0–1 pixel values,
 * how frames of another size are resized, and the sensor modalities it was trained to read. The preprocessing side
 * ({@code dev.edgevl.model.preprocess.InputSpec}) is built from these values. Modalities and the resize method are
 * kept as names, not enums, so a manifest from a newer writer that knows more of them still parses.
 *
 * @param mean   per channel, as floats: the precision preprocessing computes in, and short in the JSON
 * @param resize name of the resize method (e.g. "AREA", "BILINEAR"); null for the preprocessor's default
 */
public record BundleInput(
        @JsonProperty(required = true) int width,
        @JsonProperty(required = true) int height,
        @JsonProperty(required = true) int channels,
        @JsonProperty(required = true) List<Float> mean,
        @JsonProperty(required = true) List<Float> std,
        String resize,
        @JsonProperty(required = true) List<String> modalities) {

    public BundleInput {
        if (width <= 0 || height <= 0 || channels <= 0) {
            throw new IllegalArgumentException(
                    "input width, height and channels must be positive, not " + width + "x" + height + "x" + channels);
        }
        mean = List.copyOf(Objects.requireNonNull(mean, "mean"));
        std = List.copyOf(Objects.requireNonNull(std, "std"));
        modalities = List.copyOf(Objects.requireNonNull(modalities, "modalities"));
        if (mean.size() != channels || std.size() != channels) {
            throw new IllegalArgumentException("input mean and std need one value per channel (" + channels + "), not "
                    + mean.size() + " and " + std.size());
        }
        for (int c = 0; c < channels; c++) {
            if (!Float.isFinite(mean.get(c)) || !Float.isFinite(std.get(c)) || std.get(c) <= 0) {
                throw new IllegalArgumentException("input mean must be finite and std finite and positive, channel " + c
                        + " has mean " + mean.get(c) + " and std " + std.get(c));
            }
        }
        if (resize != null && resize.isBlank()) {
            throw new IllegalArgumentException("input resize must name a method or be absent, not blank");
        }
        if (modalities.isEmpty() || modalities.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException(
                    "input modalities must name at least one modality and no blank ones: " + modalities);
        }
    }

    /** An input with the same normalisation on every channel and the preprocessor's default resize. */
    public static BundleInput of(int width, int height, int channels, float mean, float std, Modality... modalities) {
        return new BundleInput(
                width,
                height,
                channels,
                Collections.nCopies(channels, mean),
                Collections.nCopies(channels, std),
                null,
                Arrays.stream(modalities).map(Enum::name).toList());
    }

    public BundleInput withResize(String method) {
        return new BundleInput(width, height, channels, mean, std, method, modalities);
    }

    public boolean accepts(Modality modality) {
        return modalities.contains(modality.name());
    }

    public float[] meanAsFloats() {
        return toFloats(mean);
    }

    public float[] stdAsFloats() {
        return toFloats(std);
    }

    private static float[] toFloats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
