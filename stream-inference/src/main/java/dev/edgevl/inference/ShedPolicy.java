package dev.edgevl.inference;

import java.util.HashMap;
import java.util.Map;

/**
 * Which pairs a job that cannot keep up sheds ({@code inference.shed-after}). Two rules:
 *
 * <ol>
 *   <li><b>Late</b>: a pair reached more than {@code shed-after} after it was paired is shed, so each device loses its
 *       oldest pairs first.
 *   <li><b>Share</b>: the late rule alone does not bound the lag. The job's partitions carry different numbers of
 *       devices; the source reads them in turns, so while the ones it keeps up with are annotated at full cost, the
 *       busiest one falls ever further behind, and all it gets is SHED annotations that arrive later and later. So the
 *       job also watches its lag: after every {@link #PERIOD_MILLIS} in which a pair it reached was more than half of
 *       {@code shed-after} late and the most late was no less late than in the period before, it annotates a smaller
 *       share of the pairs still on time (times {@link #CUT}); after one in which none was, a larger one (plus
 *       {@link #RAISE}, up to all); while it catches up, the share holds. Each device keeps its own count,
 *       so the pairs shed this way are spread evenly over every device's frames (a camera at 10 fps annotated at half
 *       the share gets every other frame).
 * </ol>
 *
 * Pure: the caller passes the clock; one instance per operator instance, on its task thread.
 */
final class ShedPolicy {
    /** How often the share is adjusted. */
    static final long PERIOD_MILLIS = 1_000;
    /** The share after a period that fell further behind. */
    static final double CUT = 0.8;
    /** Added to the share after a period that was never behind. */
    static final double RAISE = 0.05;
    /** The least share: every device still gets an annotation now and then. */
    static final double MIN_SHARE = 0.01;

    enum Decision {
        ANNOTATE,
        /** Reached more than {@code shed-after} after it was paired. */
        SHED_LATE,
        /** On time, but outside the share the job can annotate while it catches up. */
        SHED_SHARE
    }

    private final long shedAfterMillis;
    private final long behindMillis;
    private final Map<String, Double> credit = new HashMap<>();
    private double share = 1.0;
    private long periodStart = -1;
    private long periodMaxLag;
    private long previousMaxLag;

    /** @param shedAfterMillis {@code inference.shed-after}; positive */
    ShedPolicy(long shedAfterMillis) {
        if (shedAfterMillis <= 0) {
            throw new IllegalArgumentException("shed-after must be positive, was " + shedAfterMillis + " ms");
        }
        this.shedAfterMillis = shedAfterMillis;
        this.behindMillis = shedAfterMillis / 2;
    }

    /** What to do with a pair of {@code device} reached {@code lagMillis} after it was paired, at {@code nowMillis}. */
    Decision decide(String device, long lagMillis, long nowMillis) {
        adjust(nowMillis);
        periodMaxLag = Math.max(periodMaxLag, lagMillis);
        if (lagMillis > shedAfterMillis) {
            return Decision.SHED_LATE;
        }
        if (share >= 1.0) {
            return Decision.ANNOTATE;
        }
        double c = credit.getOrDefault(device, 0.0) + share;
        if (c >= 1.0) {
            credit.put(device, c - 1.0);
            return Decision.ANNOTATE;
        }
        credit.put(device, c);
        return Decision.SHED_SHARE;
    }

    /** The share of on-time pairs the job annotates now: 1 while it keeps up. */
    double share() {
        return share;
    }

    private void adjust(long nowMillis) {
        if (periodStart < 0) {
            periodStart = nowMillis;
            return;
        }
        if (nowMillis - periodStart < PERIOD_MILLIS) {
            return;
        }
        if (periodMaxLag > behindMillis) {
            if (periodMaxLag >= previousMaxLag) {
                share = Math.max(MIN_SHARE, share * CUT);
            }
        } else {
            share = Math.min(1.0, share + RAISE);
            if (share >= 1.0) {
                credit.clear();
            }
        }
        previousMaxLag = periodMaxLag;
        periodMaxLag = 0;
        periodStart = nowMillis;
    }
}
