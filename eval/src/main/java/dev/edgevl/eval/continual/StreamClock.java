package dev.edgevl.eval.continual;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The accelerated run's clock: stream time, moved on by the loop, so every time-based rule runs on the world's time. */
final class StreamClock extends Clock {
    private volatile Instant now;

    StreamClock(Instant start) {
        this.now = start;
    }

    void set(Instant t) {
        if (t.isAfter(now)) {
            now = t;
        }
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
