package dev.edgevl.eval.live;

import dev.edgevl.avro.Modality;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Right-or-wrong verdicts against ground truth, counted per judge, per modality and per second of capture time: what the
 * sliding windows, the segments and the summary are all cut from, so every figure of a run comes from one tally.
 * Memory grows by one small entry per judge, modality and second of stream (about 30 kB an hour). Thread-safe: the
 * consumer thread and the judges' threads add while the view and the report read.
 */
public final class Scoreboard {

    /** Who labelled the frame. */
    public enum Judge {
        /** What the fleet ran: the annotations of the stream job, whichever version was live. */
        ADAPTIVE,
        /** The shipped student, version 0, never retrained: the counterfactual. */
        FROZEN,
        /** The teacher alone on the same frame. */
        TEACHER
    }

    /** The modalities figures are given for, in report order. */
    public static final List<Modality> MODALITIES = List.of(Modality.DEPTH, Modality.THERMAL, Modality.RGB);

    /** Right out of judged; {@link #value} is null when nothing was judged, so "no data" never reads as 0%. */
    public record Rate(long right, long judged) {
        public static final Rate NONE = new Rate(0, 0);

        public Double value() {
            return judged == 0 ? null : (double) right / judged;
        }

        Rate plus(long r, long j) {
            return new Rate(right + r, judged + j);
        }
    }

    /** The first and last capture time a model version annotated a frame at. */
    public record Span(long version, Instant first, Instant last) {}

    private final Map<Judge, Map<Modality, NavigableMap<Long, long[]>>> counts = new EnumMap<>(Judge.class);
    private final TreeMap<Long, Span> versions = new TreeMap<>();

    public Scoreboard() {
        for (Judge j : Judge.values()) {
            Map<Modality, NavigableMap<Long, long[]>> byModality = new EnumMap<>(Modality.class);
            for (Modality m : Modality.values()) {
                byModality.put(m, new TreeMap<>());
            }
            counts.put(j, byModality);
        }
    }

    public synchronized void add(Judge judge, Modality modality, Instant captureTime, boolean right) {
        long[] c = counts.get(judge).get(modality).computeIfAbsent(second(captureTime), s -> new long[2]);
        c[0] += right ? 1 : 0;
        c[1]++;
    }

    /** A frame the fleet annotated with {@code version}, captured at {@code time}. */
    public synchronized void version(long version, Instant time) {
        Span s = versions.get(version);
        if (s == null) {
            versions.put(version, new Span(version, time, time));
        } else if (time.isBefore(s.first()) || time.isAfter(s.last())) {
            versions.put(
                    version,
                    new Span(
                            version,
                            time.isBefore(s.first()) ? time : s.first(),
                            time.isAfter(s.last()) ? time : s.last()));
        }
    }

    /** The earliest capture time of a frame {@code version} annotated; null when it annotated none. */
    public synchronized Instant firstCapture(long version) {
        Span s = versions.get(version);
        return s == null ? null : s.first();
    }

    /** Verdicts captured in [from, to), at the resolution of a second; null bounds are open. */
    public synchronized Rate rate(Judge judge, Modality modality, Instant from, Instant to) {
        NavigableMap<Long, long[]> m = counts.get(judge).get(modality);
        NavigableMap<Long, long[]> range = from == null && to == null
                ? m
                : from == null
                        ? m.headMap(second(to), false)
                        : to == null ? m.tailMap(second(from), true) : m.subMap(second(from), true, second(to), false);
        Rate r = Rate.NONE;
        for (long[] c : range.values()) {
            r = r.plus(c[0], c[1]);
        }
        return r;
    }

    /**
     * Standard error of {@code a}'s rate minus {@code b}'s over [from, to), with each second of capture time as one
     * cluster: frames of one second share scenes, so they are not independent, and counting them one by one would
     * understate the error many times over. Null with fewer than two seconds judged by both.
     */
    public synchronized Double differenceStandardError(Judge a, Judge b, Modality modality, Instant from, Instant to) {
        NavigableMap<Long, long[]> ma = counts.get(a).get(modality).subMap(second(from), true, second(to), false);
        NavigableMap<Long, long[]> mb = counts.get(b).get(modality);
        List<long[]> pairs = new ArrayList<>();
        long na = 0;
        long nb = 0;
        long ra = 0;
        long rb = 0;
        for (Map.Entry<Long, long[]> e : ma.entrySet()) {
            long[] cb = mb.get(e.getKey());
            if (cb == null || cb[1] == 0 || e.getValue()[1] == 0) {
                continue;
            }
            pairs.add(new long[] {e.getValue()[0], e.getValue()[1], cb[0], cb[1]});
            ra += e.getValue()[0];
            na += e.getValue()[1];
            rb += cb[0];
            nb += cb[1];
        }
        int k = pairs.size();
        if (k < 2) {
            return null;
        }
        double pa = (double) ra / na;
        double pb = (double) rb / nb;
        double va = 0;
        double vb = 0;
        double cov = 0;
        for (long[] c : pairs) {
            double ea = c[0] - pa * c[1];
            double eb = c[2] - pb * c[3];
            va += ea * ea;
            vb += eb * eb;
            cov += ea * eb;
        }
        double scale = (double) k / (k - 1);
        double variance = scale * (va / ((double) na * na) + vb / ((double) nb * nb) - 2 * cov / ((double) na * nb));
        return Math.sqrt(Math.max(0, variance));
    }

    /** Versions that annotated a frame captured in [from, to), in version order. */
    public synchronized List<Long> versionsBetween(Instant from, Instant to) {
        List<Long> out = new ArrayList<>();
        for (Span s : versions.values()) {
            if ((to == null || s.first().isBefore(to))
                    && (from == null || !s.last().isBefore(from))) {
                out.add(s.version());
            }
        }
        return out;
    }

    private static long second(Instant t) {
        return t.getEpochSecond();
    }
}
