package dev.edgevl.eval.live;

import java.time.Instant;

/**
 * The figures of one sliding window of event time ending at {@code end}. Accuracy and latency are
 * null when the window holds nothing to compute them from, so "no data" never reads as 0%.
 *
 * @param frames           annotations in the window (labelled or not)
 * @param labelled         annotations with student labels: the non-RGB accuracy is over these
 * @param rgbFrames        labelled annotations that also had RGB labels
 * @param routingRate      share of the window's annotations that were also sent to the teacher
 * @param framesPerSecond  annotations per second of event time
 * @param modelVersion     the newest model version that annotated a frame in the window
 */
public record WindowFigures(
        Instant end,
        long frames,
        long labelled,
        Double nonRgbTop1,
        long rgbFrames,
        Double rgbTop1,
        double routingRate,
        double framesPerSecond,
        Double p50Ms,
        Double p99Ms,
        Long modelVersion) {

    static WindowFigures empty(Instant end) {
        return new WindowFigures(end, 0, 0, null, 0, null, 0, 0, null, null, null);
    }
}
