package dev.edgevl.eval.live;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A sliding window over event time (capture time): the window ends at the latest capture time seen
 * and holds what was captured in the {@code length} before it. Annotations from different partitions
 * arrive a little out of order, so the window is ordered by capture time, not by arrival; one that
 * arrives already older than the window is dropped. Not thread-safe.
 */
final class LiveWindow {
    private final Duration length;
    private final PriorityQueue<Observation> inWindow =
            new PriorityQueue<>(Comparator.comparing(Observation::captureTime));
    private Instant first;
    private Instant latest;

    LiveWindow(Duration length) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("the window must be longer than zero, was " + length);
        }
        this.length = length;
    }

    void add(Observation o) {
        if (latest == null || o.captureTime().isAfter(latest)) {
            latest = o.captureTime();
        }
        if (first == null || o.captureTime().isBefore(first)) {
            first = o.captureTime();
        }
        inWindow.add(o);
        Instant start = latest.minus(length);
        while (!inWindow.isEmpty() && !inWindow.peek().captureTime().isAfter(start)) {
            inWindow.poll();
        }
    }

    Instant latest() {
        return latest;
    }

    WindowFigures figures() {
        if (latest == null) {
            return WindowFigures.empty(Instant.EPOCH);
        }
        long frames = 0;
        long labelled = 0;
        long right = 0;
        long rgbFrames = 0;
        long rgbRight = 0;
        long routed = 0;
        Long version = null;
        double[] latencies = new double[inWindow.size()];
        for (Observation o : inWindow) {
            latencies[(int) frames++] = o.latencyMs();
            routed += o.routed() ? 1 : 0;
            if (o.labelled()) {
                labelled++;
                right += o.nonRgbRight() ? 1 : 0;
            }
            if (o.rgbRight() != null) {
                rgbFrames++;
                rgbRight += o.rgbRight() ? 1 : 0;
            }
            if (o.modelVersion() != null && (version == null || o.modelVersion() > version)) {
                version = o.modelVersion();
            }
        }
        // Until a whole window has passed, rates are over the time actually covered.
        double seconds =
                Math.min(length.toNanos(), Duration.between(first, latest).toNanos()) / 1e9;
        return new WindowFigures(
                latest,
                frames,
                labelled,
                ratio(right, labelled),
                rgbFrames,
                ratio(rgbRight, rgbFrames),
                frames == 0 ? 0 : (double) routed / frames,
                seconds <= 0 ? 0 : frames / seconds,
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                version);
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }

    /** Nearest-rank percentile: the smallest value with at least q of the values at or below it. */
    static Double percentile(double[] values, double q) {
        if (values.length == 0) {
            return null;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
