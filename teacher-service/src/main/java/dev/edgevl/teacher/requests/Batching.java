package dev.edgevl.teacher.requests;

import java.time.Duration;

/**
 * How requests are grouped for the teacher: a batch goes as soon as it holds {@code size} requests, and
 * whatever is waiting goes every {@code maxWait} of wall-clock time.
 */
public record Batching(int size, Duration maxWait) {
    public Batching {
        if (size < 1 || maxWait == null || maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException(
                    "A batch needs a size of at least 1 and a positive wait, not " + size + " / " + maxWait + ".");
        }
    }
}
