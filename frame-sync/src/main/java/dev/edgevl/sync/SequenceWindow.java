package dev.edgevl.sync;

import java.util.Arrays;

/**
 * Which of a sensor's recent sequence numbers have been seen, to recognise a frame sent twice: a bitmap over the
 * window of sequence numbers just below the highest one, as IPsec does against replays, so a thousand frames of
 * memory cost 128 bytes.
 *
 * <p>Sequence numbers alone would take a sensor that restarts its counter (a reboot) for a run of duplicates,
 * so the capture time of the highest frame is kept too: a lower sequence number with a newer capture time is a
 * restart, not a repeat. A frame older than the whole window cannot be checked; it restarts the window.
 */
final class SequenceWindow {
    private final long[] bits;
    private long highSequence = -1;
    private long highCaptureMicros;

    SequenceWindow(int frames) {
        this.bits = new long[Math.max(1, (frames + 63) / 64)];
    }

    /** How many sequence numbers the window covers: the requested size rounded up to a multiple of 64. */
    int size() {
        return bits.length * 64;
    }

    /** True the first time a frame is seen; false for a duplicate. Remembers the frame either way. */
    boolean firstSighting(long sequence, long captureMicros) {
        if (highSequence < 0 || sequence > highSequence) {
            advanceTo(sequence, captureMicros);
            return true;
        }
        if (captureMicros > highCaptureMicros || highSequence - sequence >= size()) {
            restartAt(sequence, captureMicros);
            return true;
        }
        if (isSet(sequence)) {
            return false;
        }
        set(sequence);
        return true;
    }

    /** The same memory in a window of another size; shrinking forgets the oldest frames. */
    SequenceWindow resized(int frames) {
        SequenceWindow copy = new SequenceWindow(frames);
        if (highSequence >= 0) {
            copy.highSequence = highSequence;
            copy.highCaptureMicros = highCaptureMicros;
            for (long s = highSequence; s >= 0 && highSequence - s < Math.min(size(), copy.size()); s--) {
                if (isSet(s)) {
                    copy.set(s);
                }
            }
        }
        return copy;
    }

    /**
     * How many sequence numbers up to the highest, counting down from it, were all seen, looking at most {@code limit}
     * back: 0 before any frame. When the run reaches below sequence 0 (every frame since the sensor's first was seen)
     * it is {@code highSequence + 1}.
     */
    long seenRun(int limit) {
        long run = 0;
        for (long s = highSequence; s >= 0 && run < Math.min(limit, size()) && isSet(s); s--) {
            run++;
        }
        return run;
    }

    long highSequence() {
        return highSequence;
    }

    long highCaptureMicros() {
        return highCaptureMicros;
    }

    long[] words() {
        return bits.clone();
    }

    static SequenceWindow of(long highSequence, long highCaptureMicros, long[] words) {
        SequenceWindow window = new SequenceWindow(words.length * 64);
        System.arraycopy(words, 0, window.bits, 0, words.length);
        window.highSequence = highSequence;
        window.highCaptureMicros = highCaptureMicros;
        return window;
    }

    private void advanceTo(long sequence, long captureMicros) {
        if (highSequence < 0 || sequence - highSequence >= size()) {
            Arrays.fill(bits, 0L);
        } else {
            for (long s = highSequence + 1; s < sequence; s++) {
                clear(s); // numbers skipped (frames lost before Kafka) must not inherit a bit from a full turn ago
            }
        }
        highSequence = sequence;
        highCaptureMicros = captureMicros;
        set(sequence);
    }

    private void restartAt(long sequence, long captureMicros) {
        Arrays.fill(bits, 0L);
        highSequence = sequence;
        highCaptureMicros = captureMicros;
        set(sequence);
    }

    private boolean isSet(long sequence) {
        int bit = bitOf(sequence);
        return (bits[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    private void set(long sequence) {
        int bit = bitOf(sequence);
        bits[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long sequence) {
        int bit = bitOf(sequence);
        bits[bit >>> 6] &= ~(1L << (bit & 63));
    }

    private int bitOf(long sequence) {
        return (int) Math.floorMod(sequence, (long) size());
    }
}
