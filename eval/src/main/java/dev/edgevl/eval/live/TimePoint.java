package dev.edgevl.eval.live;

import dev.edgevl.avro.Modality;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One point of the accuracy-over-time series: the sliding window's figures at {@code time}, the teacher's own non-RGB
 * figure as it stood then (null while it has scored nothing), and per modality the three judges' figures over the
 * same window.
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
        Long modelVersion,
        Map<Modality, Judged> modalities) {

    /** The three figures of one modality over the window; null where a judge scored nothing in it. */
    public record Judged(Double adaptive, Double frozen, Double teacher) {}

    public TimePoint {
        modalities = modalities.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(modalities));
    }

    static TimePoint of(WindowFigures w, Double teacherNonRgbTop1, Map<Modality, Judged> modalities) {
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
                w.modelVersion(),
                modalities);
    }
}
