package dev.edgevl.eval.live;

import java.time.Instant;

/**
 * One point of the accuracy-over-time series: the sliding window's figures at {@code time}, plus the
 * teacher's own non-RGB figure as it stood then (null while it has scored nothing).
 */
public record TimePoint(
        Instant time,
        long frames,
        Double nonRgbTop1,
        Double rgbTop1,
        Double teacherNonRgbTop1,
        double routingRate,
        double framesPerSecond,
        Double p50Ms,
        Double p99Ms,
        Long modelVersion) {

    static TimePoint of(WindowFigures w, Double teacherNonRgbTop1) {
        return new TimePoint(
                w.end(),
                w.frames(),
                w.nonRgbTop1(),
                w.rgbTop1(),
                teacherNonRgbTop1,
                w.routingRate(),
                w.framesPerSecond(),
                w.p50Ms(),
                w.p99Ms(),
                w.modelVersion());
    }
}
