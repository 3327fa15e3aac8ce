package dev.edgevl.eval.live;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;

/** Right-or-wrong verdicts over a sliding window of event time: the teacher baseline's rolling figure. Not thread-safe. */
final class HitWindow {
    private record Hit(Instant time, boolean right) {}

    private final Duration length;
    private final PriorityQueue<Hit> hits = new PriorityQueue<>(Comparator.comparing(Hit::time));
    private Instant latest;
    private long right;

    HitWindow(Duration length) {
        this.length = length;
    }

    void add(Instant time, boolean isRight) {
        if (latest == null || time.isAfter(latest)) {
            latest = time;
        }
        hits.add(new Hit(time, isRight));
        right += isRight ? 1 : 0;
        Instant start = latest.minus(length);
        while (!hits.isEmpty() && !hits.peek().time().isAfter(start)) {
            right -= hits.poll().right() ? 1 : 0;
        }
    }

    int size() {
        return hits.size();
    }

    /** Null while the window is empty. */
    Double top1() {
        return hits.isEmpty() ? null : (double) right / hits.size();
    }
}
