package dev.edgevl.eval.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Samples the sliding window every {@code step} of event time, so the report's series has evenly
 * spaced points however bursty the stream was. A gap in the stream yields one point, not a run of
 * copies. Not thread-safe.
 */
final class Timeline {
    private final Duration step;
    private final List<TimePoint> points = new ArrayList<>();
    private Instant next;

    Timeline(Duration step) {
        if (step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("the step must be longer than zero, was " + step);
        }
        this.step = step;
    }

    /** Called after each observation; adds a point when the window's end has passed the next tick. */
    void advance(WindowFigures window, Supplier<Double> teacherNonRgbTop1) {
        Instant end = window.end();
        if (next == null) {
            next = end.plus(step);
            return;
        }
        if (end.isBefore(next)) {
            return;
        }
        points.add(TimePoint.of(window, teacherNonRgbTop1.get()));
        while (!next.isAfter(end)) {
            next = next.plus(step);
        }
    }

    /** Adds the window as it stands now: the last point of a report, whatever the tick. */
    void close(WindowFigures window, Double teacherNonRgbTop1) {
        if (window.frames() > 0
                && (points.isEmpty() || points.get(points.size() - 1).time().isBefore(window.end()))) {
            points.add(TimePoint.of(window, teacherNonRgbTop1));
        }
    }

    List<TimePoint> points() {
        return List.copyOf(points);
    }
}
