package dev.edgevl.sync;

import java.util.concurrent.atomic.LongAdder;

/**
 * What frame sync did, counted across all its stream threads, for progress displays, logs and benchmarks.
 * Counts are taken as records are processed; a transaction that is aborted and retried after a failure counts
 * its records again, so after a crash they may run slightly ahead of what was committed.
 */
public final class SyncCounters {
    private final LongAdder rgbFrames = new LongAdder();
    private final LongAdder auxFrames = new LongAdder();
    private final LongAdder pairs = new LongAdder();
    private final LongAdder auxOnly = new LongAdder();
    private final LongAdder rgbPaired = new LongAdder();
    private final LongAdder unmatchedRgb = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder clockResets = new LongAdder();
    private final LongAdder deadLetters = new LongAdder();

    void frameAccepted(boolean rgb) {
        (rgb ? rgbFrames : auxFrames).increment();
    }

    void paired() {
        pairs.increment();
    }

    void forwardedAlone() {
        auxOnly.increment();
    }

    void rgbSettled(boolean usedInAPair) {
        (usedInAPair ? rgbPaired : unmatchedRgb).increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void late() {
        late.increment();
    }

    void clockReset() {
        clockResets.increment();
    }

    void deadLetter() {
        deadLetters.increment();
    }

    public SyncStats snapshot() {
        return new SyncStats(
                rgbFrames.sum(),
                auxFrames.sum(),
                pairs.sum(),
                auxOnly.sum(),
                rgbPaired.sum(),
                unmatchedRgb.sum(),
                duplicates.sum(),
                late.sum(),
                clockResets.sum(),
                deadLetters.sum());
    }
}
