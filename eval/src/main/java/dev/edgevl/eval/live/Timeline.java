package dev.edgevl.eval.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

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
    void advance(WindowFigures window, Function<WindowFigures, TimePoint> point) {
        Instant end = window.end();
        if (next == null) {
            next = end.plus(step);
            return;
        }
        if (end.isBefore(next)) {
            return;
        }
        points.add(point.apply(window));
        while (!next.isAfter(end)) {
            next = next.plus(step);
        }
    }

    /** Adds the window as it stands now: the last point of a report, whatever the tick. */
    void close(WindowFigures window, Function<WindowFigures, TimePoint> point) {
        if (window.frames() > 0
                && (points.isEmpty() || points.get(points.size() - 1).time().isBefore(window.end()))) {
            points.add(point.apply(window));
        }
    }

    List<TimePoint> points() {
        return List.copyOf(points);
    }
}
