package dev.edgevl.distill;

import java.time.Duration;
import java.util.Optional;

/**
 * When a retraining round starts: once {@code samples} new training samples have arrived since the last round, or
 * {@code interval} has passed with at least one new sample, and never with fewer than {@code minSamples} in the buffer.
 * A pure function of counts and times; the distiller makes sure only one round runs at a time. A due round is skipped
 * when the live version already agrees with the teacher on more than {@code skipAgreement} of the new pairs (JITNet
 * tests the student on new teacher frames before training on them).
 */
public record RetrainTrigger(int samples, Duration interval, int minSamples, double skipAgreement) {
    /** New pairs the pre-test needs before it can skip a round. */
    public static final int MIN_PRETEST_PAIRS = 32;

    public RetrainTrigger {
        if (samples < 1 || minSamples < 1 || interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a trigger needs at least one sample and a positive interval");
        }
        if (!(skipAgreement >= 0 && skipAgreement <= 1)) {
            throw new IllegalArgumentException("skipAgreement must be in 0..1, not " + skipAgreement);
        }
    }

    public RetrainTrigger(int samples, Duration interval, int minSamples) {
        this(samples, interval, minSamples, 1);
    }

    /**
     * @param agreement the live version's agreement with the teacher on the new pairs
     * @param pairs how many new pairs that is
     * @return whether the round has nothing new to learn
     */
    public boolean nothingNew(double agreement, int pairs) {
        return pairs >= MIN_PRETEST_PAIRS && agreement > skipAgreement;
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
