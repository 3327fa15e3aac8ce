package dev.edgevl.teacher.service;

import dev.edgevl.health.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the teacher service has done since start, counted into by every task; the process's meters ({@code /metrics})
 * count the same (dead letters there by reason, {@code edgevl_dead_letters_total}).
 */
public final class TeacherCounters {
    private final AtomicLong embedded = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong requestDeadLetters = new AtomicLong();
    private final AtomicLong labelsEmbedded = new AtomicLong();
    private final AtomicLong labelsRemoved = new AtomicLong();
    private final AtomicLong labelDeadLetters = new AtomicLong();

    /** Counts since start. */
    public record Snapshot(
            long embedded,
            long batches,
            long requestDeadLetters,
            long labelsEmbedded,
            long labelsRemoved,
            long labelDeadLetters) {
        public static final Snapshot ZERO = new Snapshot(0, 0, 0, 0, 0, 0);

        public Snapshot minus(Snapshot earlier) {
            return new Snapshot(
                    embedded - earlier.embedded,
                    batches - earlier.batches,
                    requestDeadLetters - earlier.requestDeadLetters,
                    labelsEmbedded - earlier.labelsEmbedded,
                    labelsRemoved - earlier.labelsRemoved,
                    labelDeadLetters - earlier.labelDeadLetters);
        }

        /** One sentence for the log. */
        public String sentence() {
            double perBatch = batches == 0 ? 0 : (double) embedded / batches;
            return String.format(
                    "The teacher embedded %,d requests in %,d batches (%.1f per batch), dead-lettered %,d requests; "
                            + "labels: %,d embedded, %,d removed, %,d dead-lettered.",
                    embedded, batches, perBatch, requestDeadLetters, labelsEmbedded, labelsRemoved, labelDeadLetters);
        }
    }

    public void batch(int size) {
        batches.incrementAndGet();
        embedded.addAndGet(size);
        ServiceMetrics.counter("edgevl.teacher.batches", "Batches the teacher embedded.")
                .increment();
        ServiceMetrics.counter("edgevl.teacher.embedded", "Routed pairs the teacher embedded (teacher.embeddings).")
                .increment(size);
    }

    public void requestDeadLetter() {
        requestDeadLetters.incrementAndGet();
    }

    public void labelEmbedded() {
        labelsEmbedded.incrementAndGet();
        labelMeter("embedded").increment();
    }

    public void labelRemoved() {
        labelsRemoved.incrementAndGet();
        labelMeter("removed").increment();
    }

    private static Counter labelMeter(String change) {
        return ServiceMetrics.counter(
                "edgevl.teacher.labels", "Label changes the teacher wrote to labels.embedded.", "change", change);
    }

    public void labelDeadLetter() {
        labelDeadLetters.incrementAndGet();
    }

    public Snapshot snapshot() {
        return new Snapshot(
                embedded.get(),
                batches.get(),
                requestDeadLetters.get(),
                labelsEmbedded.get(),
                labelsRemoved.get(),
                labelDeadLetters.get());
    }
}
