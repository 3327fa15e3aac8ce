package dev.edgevl.model.zeroshot;

/**
 * How unsure the student is about one frame (mirrors {@code dev.edgevl.avro.Uncertainty}).
 *
 * @param margin top-1 minus top-2 probability, 0..1 (1 with a single label); small means unsure
 * @param normalizedEntropy entropy of the probabilities divided by log(number of labels), 0..1 (0 with
 *     a single label); large means unsure
 * @param modalityDisagreement whether the RGB and the non-RGB frame got different top-1 labels; null
 *     when there was no RGB frame
 */
public record Uncertainty(double margin, double normalizedEntropy, Boolean modalityDisagreement) {

    /** True only when there was an RGB frame and it disagreed. */
    public boolean disagrees() {
        return Boolean.TRUE.equals(modalityDisagreement);
    }
}
