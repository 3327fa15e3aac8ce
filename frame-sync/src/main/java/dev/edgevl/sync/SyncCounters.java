package dev.edgevl.sync;

import dev.edgevl.avro.Modality;
import dev.edgevl.health.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
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
        /** The process's meters of this modality, looked up once rather than per frame. */
        final Counter framesMeter;

        final Counter matchedMeter;
        final Counter missingMeter;

        AuxAdders(Modality modality) {
            framesMeter = framesMeter(modality);
            matchedMeter = pairMeter(modality, "matched");
            missingMeter = pairMeter(modality, "missing");
        }
    }

    private final Counter rgbFramesMeter = framesMeter(Modality.RGB);

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
                adders.put(modality, new AuxAdders(modality));
            }
        }
        aux = Collections.unmodifiableMap(adders);
    }

    void frameAccepted(Modality modality) {
        if (modality == Modality.RGB) {
            rgbFrames.increment();
            rgbFramesMeter.increment();
        } else {
            AuxAdders adders = aux(modality);
            adders.frames.increment();
            adders.framesMeter.increment();
        }
    }

    /** A non-RGB frame of {@code modality} (null when not known) went out with an RGB frame. */
    void paired(Modality modality) {
        AuxAdders adders = aux(modality);
        adders.paired.increment();
        adders.matchedMeter.increment();
    }

    /** A non-RGB frame of {@code modality} (null when not known) went out without an RGB frame. */
    void forwardedAlone(Modality modality) {
        AuxAdders adders = aux(modality);
        adders.alone.increment();
        adders.missingMeter.increment();
    }

    void rgbSettled(boolean usedInAPair) {
        (usedInAPair ? rgbPaired : unmatchedRgb).increment();
        if (!usedInAPair) {
            meter("edgevl.sync.rgb.unmatched", "RGB frames frame sync dropped without a partner.")
                    .increment();
        }
    }

    void duplicate() {
        duplicates.increment();
        meter("edgevl.sync.duplicates", "Frames frame sync dropped as duplicates (same device, sensor, sequence).")
                .increment();
    }

    void late() {
        late.increment();
        meter("edgevl.sync.late", "Frames that came after their partner's window closed.")
                .increment();
    }

    void clockReset() {
        clockResets.increment();
        meter("edgevl.sync.clock.resets", "Devices whose clock or sequence went back (a restart).")
                .increment();
    }

    private static Counter framesMeter(Modality modality) {
        return meter("edgevl.sync.frames", "Frames frame sync accepted, by modality.", "modality", name(modality));
    }

    private static Counter pairMeter(Modality modality, String rgb) {
        return meter(
                "edgevl.sync.pairs",
                "Pairs written to frames.paired, by non-RGB modality and whether an RGB frame was found.",
                "modality",
                name(modality),
                "rgb",
                rgb);
    }

    private static String name(Modality modality) {
        return (modality == null ? Modality.UNKNOWN : modality).name().toLowerCase(Locale.ROOT);
    }

    /** The process's meter (Prometheus); the adders above are this instance's, for its logs and snapshots. */
    private static Counter meter(String name, String description, String... tags) {
        return ServiceMetrics.counter(name, description, tags);
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
