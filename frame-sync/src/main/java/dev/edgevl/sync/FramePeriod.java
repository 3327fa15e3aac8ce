package dev.edgevl.sync;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * A sensor's frame period, estimated from its frames' capture times: the median of the last {@value #SAMPLES} positive
 * intervals between a frame and the newest frame of the sensor before it. The median shrugs off what a mean would not:
 * a lost frame (one double interval), a frame out of order (not newer, so no interval), a pause, a jump of the clock.
 */
final class FramePeriod {
    /** How many recent intervals the estimate is the median of. */
    static final int SAMPLES = 9;
    /** How many intervals it takes before there is an estimate at all. */
    static final int MIN_SAMPLES = 2;

    private static final long NO_TIME = Long.MIN_VALUE;

    private final long[] intervals = new long[SAMPLES]; // a ring: the oldest at next once it is full
    private int count;
    private int next;
    private long newestCaptureMicros = NO_TIME;

    /** Takes in a frame of the sensor (not a duplicate); a frame newer than the newest so far adds an interval. */
    void observe(long captureMicros) {
        if (newestCaptureMicros == NO_TIME) {
            newestCaptureMicros = captureMicros;
        } else if (captureMicros > newestCaptureMicros) {
            add(captureMicros - newestCaptureMicros);
            newestCaptureMicros = captureMicros;
        }
    }

    /** The device clock was reset: the next frame measures no interval. The intervals measured so far still hold. */
    void restart() {
        newestCaptureMicros = NO_TIME;
    }

    /**
     * The estimated period in microseconds, or empty before {@value #MIN_SAMPLES} intervals were measured. With an even
     * number of intervals it is the upper of the two middle ones, so an early estimate errs towards the longer period.
     */
    OptionalLong micros() {
        if (count < MIN_SAMPLES) {
            return OptionalLong.empty();
        }
        long[] sorted = Arrays.copyOf(intervals, count);
        Arrays.sort(sorted);
        return OptionalLong.of(sorted[count / 2]);
    }

    /** The shortest of the intervals kept, or empty before {@value #MIN_SAMPLES} were measured. */
    OptionalLong shortestMicros() {
        if (count < MIN_SAMPLES) {
            return OptionalLong.empty();
        }
        long shortest = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            shortest = Math.min(shortest, intervals[i]);
        }
        return OptionalLong.of(shortest);
    }

    /** The capture time of the newest frame, or {@link Long#MIN_VALUE} when none counts (none yet, or after a restart). */
    long newestCaptureMicros() {
        return newestCaptureMicros;
    }

    /** The intervals kept, oldest first. */
    long[] samples() {
        long[] oldestFirst = new long[count];
        int start = count < SAMPLES ? 0 : next;
        for (int i = 0; i < count; i++) {
            oldestFirst[i] = intervals[(start + i) % SAMPLES];
        }
        return oldestFirst;
    }

    /** The estimate as {@link #newestCaptureMicros} and {@link #samples} describe it; only the newest samples fit. */
    static FramePeriod of(long newestCaptureMicros, long[] samplesOldestFirst) {
        FramePeriod period = new FramePeriod();
        period.newestCaptureMicros = newestCaptureMicros;
        for (long sample : samplesOldestFirst) {
            if (sample > 0) {
                period.add(sample);
            }
        }
        return period;
    }

    private void add(long interval) {
        intervals[next] = interval;
        next = (next + 1) % SAMPLES;
        count = Math.min(SAMPLES, count + 1);
    }
}
