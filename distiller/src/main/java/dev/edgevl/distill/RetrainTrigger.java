package dev.edgevl.distill;

import java.time.Duration;
import java.util.Optional;

/**
 * When a retraining round starts: once {@code samples} new training samples have arrived since the last round, or
 * {@code interval} has passed with at least one new sample, and never with fewer than {@code minSamples} in the buffer.
 * A pure function of counts and times; the distiller makes sure only one round runs at a time.
 */
public record RetrainTrigger(int samples, Duration interval, int minSamples) {
    public RetrainTrigger {
        if (samples < 1 || minSamples < 1 || interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a trigger needs at least one sample and a positive interval");
        }
    }

    /**
     * @param newSamples training samples that arrived since the last round started (or since the live version's data)
     * @param buffered training samples in the buffer now
     * @param sinceLastRound time since the last round started (or since the distiller started, before any round)
     * @return why a round is due, or empty when it is not
     */
    public Optional<String> due(int newSamples, int buffered, Duration sinceLastRound) {
        if (newSamples == 0 || buffered < minSamples) {
            return Optional.empty();
        }
        if (newSamples >= samples) {
            return Optional.of(newSamples + " new samples (trigger at " + samples + ")");
        }
        if (sinceLastRound.compareTo(interval) >= 0) {
            return Optional.of(
                    newSamples + " new samples and " + Durations.text(sinceLastRound) + " since the last round");
        }
        return Optional.empty();
    }
}
