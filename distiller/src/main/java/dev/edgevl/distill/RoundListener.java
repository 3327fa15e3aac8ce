package dev.edgevl.distill;

/** Hears a round's progress: for logs and progress bars, and for tests that stop a round half-way. */
@FunctionalInterface
public interface RoundListener {
    RoundListener NONE = (phase, done, total) -> {};

    /** {@code done} of {@code total} units (epochs, steps, samples) of {@code phase} are finished. */
    void progress(String phase, int done, int total);
}
