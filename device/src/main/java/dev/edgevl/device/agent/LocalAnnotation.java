package dev.edgevl.device.agent;

import java.time.Instant;

/**
 * What a device made of one of its non-RGB frames, on the device: the student's zero-shot top-1 over the live labels,
 * for the non-RGB image and, when an RGB frame was taken close enough in time, for that too. Both come from one model.
 *
 * @param label           top-1 label of the non-RGB image; null when no label is live
 * @param probability     its softmax probability; NaN without a label
 * @param rgbLabel        top-1 label of the RGB frame taken with it; null without one (or without labels)
 * @param labelSetVersion the label set the scores are over ({@code LabelSet.version()}); null without labels
 * @param inferenceNanos  time spent in the model for this frame
 */
public record LocalAnnotation(
        String deviceId,
        String sensorId,
        long sequence,
        Instant captureTime,
        String modelFamily,
        long modelVersion,
        String label,
        double probability,
        String rgbLabel,
        String labelSetVersion,
        long inferenceNanos) {

    public boolean hasRgb() {
        return rgbLabel != null;
    }

    @Override
    public String toString() {
        String seen = label == null ? "no labels" : String.format("%s (%.2f)", label, probability);
        return deviceId + " " + sensorId + "#" + sequence + " → " + seen + (rgbLabel == null ? "" : ", RGB " + rgbLabel)
                + " by " + modelFamily + " v" + modelVersion;
    }
}
