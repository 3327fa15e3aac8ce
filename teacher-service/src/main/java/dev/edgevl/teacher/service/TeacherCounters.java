package dev.edgevl.teacher.service;

import java.util.concurrent.atomic.AtomicLong;

/** What the teacher service has done since start, counted into by every task. */
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
    }

    public void requestDeadLetter() {
        requestDeadLetters.incrementAndGet();
    }

    public void labelEmbedded() {
        labelsEmbedded.incrementAndGet();
    }

    public void labelRemoved() {
        labelsRemoved.incrementAndGet();
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
