package dev.edgevl.sync;

import dev.edgevl.avro.Modality;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What frame sync did, counted across all its stream threads, for progress displays, logs and benchmarks.
 * Counts are taken as records are processed; a transaction that is aborted and retried after a failure counts
 * its records again, so after a crash they may run slightly ahead of what was committed.
 */
public final class SyncCounters {
    /** The counts of one non-RGB modality. */
    private static final class AuxAdders {
        final LongAdder frames = new LongAdder();
        final LongAdder paired = new LongAdder();
        final LongAdder alone = new LongAdder();
    }

    private final LongAdder rgbFrames = new LongAdder();
    /** Every non-RGB modality has its adders from the start, so the map itself never changes. */
    private final Map<Modality, AuxAdders> aux;

    private final LongAdder rgbPaired = new LongAdder();
    private final LongAdder unmatchedRgb = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder clockResets = new LongAdder();
    private final LongAdder deadLetters = new LongAdder();

    public SyncCounters() {
        Map<Modality, AuxAdders> adders = new EnumMap<>(Modality.class);
        for (Modality modality : Modality.values()) {
            if (modality != Modality.RGB) {
                adders.put(modality, new AuxAdders());
            }
        }
        aux = Collections.unmodifiableMap(adders);
    }

    void frameAccepted(Modality modality) {
        if (modality == Modality.RGB) {
            rgbFrames.increment();
        } else {
            aux(modality).frames.increment();
        }
    }

    /** A non-RGB frame of {@code modality} (null when not known) went out with an RGB frame. */
    void paired(Modality modality) {
        aux(modality).paired.increment();
    }

    /** A non-RGB frame of {@code modality} (null when not known) went out without an RGB frame. */
    void forwardedAlone(Modality modality) {
        aux(modality).alone.increment();
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
        Map<Modality, SyncStats.AuxCounts> counts = new EnumMap<>(Modality.class);
        aux.forEach((modality, adders) -> counts.put(
                modality, new SyncStats.AuxCounts(adders.frames.sum(), adders.paired.sum(), adders.alone.sum())));
        return new SyncStats(
                rgbFrames.sum(),
                counts,
                rgbPaired.sum(),
                unmatchedRgb.sum(),
                duplicates.sum(),
                late.sum(),
                clockResets.sum(),
                deadLetters.sum());
    }

    /** Frames whose modality is not known (waiting across an upgrade from state without modalities) count as UNKNOWN. */
    private AuxAdders aux(Modality modality) {
        AuxAdders adders = aux.get(modality == null ? Modality.UNKNOWN : modality);
        if (adders == null) {
            throw new IllegalArgumentException("RGB frames are not counted as non-RGB frames");
        }
        return adders;
    }
}
