package dev.edgevl.model.zeroshot;

/**
 * A budget of "at most a fraction of this key's frames": every frame seen earns {@code fraction} of a
 * token, up to {@code capacity}; every frame let through spends one. A key starts empty, so over the
 * first n frames of a key at most {@code fraction × n} go through — the share holds from the start, not
 * only in the long run — and a key that has saved up during a quiet stretch may send up to
 * {@code capacity} frames at once (right after a drift event, say); over any later run of n frames at most
 * {@code fraction × n + capacity}.
 *
 * <p>Earning per frame rather than per second bounds the share of frames whatever a device's frame
 * rate, and needs no clock: the outcome is a function of the frames alone, so a replay after a failure
 * makes the same decisions. The bucket itself is a stateless policy; a key's balance is a {@code long}
 * of nano-tokens that the caller keeps (a Flink {@code ValueState<Long>}, a map: see
 * {@link KeyedTokenBucket}). Whole-number arithmetic means no rounding drift over millions of frames,
 * and earnings round down, so the bound holds exactly.
 *
 * <p>Two kinds of frame may ask ({@link Ask}). A frame the router is unsure of asks for a {@link Ask#SPARE} token:
 * one beyond the {@link #RESERVE} kept back; a frame of the uniform exploration slice asks for {@link Ask#ANY} token,
 * the reserve included. Unsure frames want far more than the budget, so without the reserve they would take every
 * token the moment it is earned and an exploration pick, arriving at a random moment, would almost never find one;
 * with it the exploration slice gets its whole share and the unsure frames the rest. The bound above is unchanged:
 * the reserve decides only who spends a token, not how many there are.
 *
 * @param fraction share of frames that may go through in the long run, 0..1
 * @param capacity largest burst, in frames; at least 1
 */
public record TokenBucket(double fraction, double capacity) implements java.io.Serializable {

    /** Nano-tokens per token. */
    public static final long UNIT = 1_000_000_000L;

    /** The teacher sees at most 5% of a device's frames (docs/targets.md). */
    public static final double DEFAULT_FRACTION = 0.05;

    /** Five frames at once after a quiet stretch, e.g. the first few after a drift event, before the rate limit applies. */
    public static final double DEFAULT_CAPACITY = 5;

    public static final TokenBucket DEFAULT = new TokenBucket(DEFAULT_FRACTION, DEFAULT_CAPACITY);

    /** Tokens a {@link Ask#SPARE} request leaves for an {@link Ask#ANY} one (less when the capacity is below 2). */
    public static final double RESERVE = 1;

    /** How a frame asks to go through. */
    public enum Ask {
        /** It does not want through; it only earns. */
        NONE,
        /** It wants through on a token beyond the {@link #RESERVE} (an uncertain frame). */
        SPARE,
        /** It wants through on any token, the reserve included (an exploration pick, or any frame of a single-kind caller). */
        ANY
    }

    public TokenBucket {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in 0..1, got " + fraction + ".");
        }
        if (!(capacity >= 1 && capacity <= 1e9)) {
            throw new IllegalArgumentException("capacity must be between 1 and 1e9 tokens, got " + capacity
                    + "; below 1 no frame could ever go through.");
        }
    }

    /** The balance of a key never seen before: empty; its first token is earned by its first 1 / fraction frames. */
    public long initialBalance() {
        return 0;
    }

    /**
     * One frame of a key seen: earn, spend a token if the frame asks to go through and one is there, then
     * cap at the capacity (capping last, so a frame's own earning counts even when the bucket is full). A
     * {@link Ask#SPARE} request is granted only when a token is left over after it for an {@link Ask#ANY} one.
     *
     * @param balance the key's balance before this frame
     * @param ask whether, and on which tokens, this frame asks to go through
     * @return whether it may, and the key's balance to keep
     */
    public Outcome offer(long balance, Ask ask) {
        long available = Math.max(0, balance) + earnNanos();
        long needed = ask == Ask.SPARE ? UNIT + reserveNanos() : UNIT;
        boolean granted = ask != Ask.NONE && available >= needed;
        long after = granted ? available - UNIT : available;
        return new Outcome(granted, Math.min(capacityNanos(), after));
    }

    /** A balance in tokens, for metrics and logs. */
    public static double tokens(long balance) {
        return (double) balance / UNIT;
    }

    private long earnNanos() {
        return (long) Math.floor(fraction * UNIT);
    }

    /** The reserve, no more than the capacity leaves beyond one token, so a spare request can always be granted. */
    private long reserveNanos() {
        return Math.max(0, Math.min((long) Math.floor(RESERVE * UNIT), capacityNanos() - UNIT));
    }

    private long capacityNanos() {
        return (long) Math.floor(capacity * UNIT);
    }

    /** What {@link #offer} decided: whether the frame goes through, and the balance after it. */
    public record Outcome(boolean granted, long balance) {}
}
