package dev.edgevl.eval.live;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The headline figures of a run, read off the time series: the continual targets of docs/targets.md.
 * Every figure is null when the run did not get far enough to have it, so a short run reports
 * "not judged" instead of a made-up pass or fail.
 *
 * <p>Definitions. The <b>first promotion</b> is the first model version that appears after the first
 * annotation (a version already live at the start does not count). <b>After promotion</b> means
 * points whose window lies wholly after it (and before the drift judged); <b>before</b>, points before it.
 * The <b>drift judged</b> is the first drift event a whole window after the first promotion (the first drift when
 * nothing was promoted); the <b>pre-drift level</b> is the last window ending at or before it; the
 * student has <b>recovered</b> at the first window lying wholly after the drift whose non-RGB
 * accuracy is within the tolerance of that level.
 */
public record LiveSummary(
        Instant firstAnnotationTime,
        Instant firstPromotionTime,
        Long firstPromotedVersion,
        Double nonRgbBeforePromotion,
        Double nonRgbAfterPromotion,
        Double teacherNonRgbAfterPromotion,
        Boolean beatsTeacher,
        Instant driftTime,
        String drift,
        Double preDriftNonRgb,
        Double lowestNonRgbAfterDrift,
        Double recoverySeconds,
        Boolean recoveredInTime,
        Double finalNonRgb,
        Double finalRgb,
        long annotations,
        long routed,
        Double routingShare,
        Boolean routingWithinBudget) {

    /**
     * The targets' thresholds.
     *
     * @param frozenMargin how far below the frozen v0 a segment's adaptive top-1 may be and still count as "never worse"
     * @param minJudged frames a judge must have scored in a stretch for its figure there to be judged
     */
    public record Targets(
            double recoveryTolerance,
            Duration recoveryLimit,
            double routingBudget,
            double frozenMargin,
            int minJudged) {
        /**
         * Back within 2 points within 3 minutes of stream time; the teacher sees at most 5% of frames; never more than 1
         * point below the frozen student in a segment of at least 50 judged frames.
         */
        public static final Targets DEFAULT = new Targets(0.02, Duration.ofMinutes(3), 0.05, 0.01, 50);
    }

    static LiveSummary of(
            List<TimePoint> points,
            List<LiveEvent> events,
            Duration window,
            long annotations,
            long routed,
            Instant firstAnnotation,
            Targets targets) {
        Instant promotion = null;
        Long promoted = null;
        Instant drift = null;
        String driftText = null;
        for (LiveEvent e : events) {
            if (e.kind() == LiveEvent.Kind.MODEL_VERSION
                    && firstAnnotation != null
                    && e.time().isAfter(firstAnnotation)
                    && (promotion == null || e.time().isBefore(promotion))) {
                promotion = e.time();
            }
        }
        // The drift judged is the first one a whole window after the first promotion: before that there is no level of
        // the
        // promoted student to recover to. Without a promotion, the first drift.
        Instant judgedFrom = promotion == null ? null : promotion.plus(window);
        for (LiveEvent e : events) {
            if (e.kind() == LiveEvent.Kind.DRIFT
                    && (judgedFrom == null || !e.time().isBefore(judgedFrom))
                    && (drift == null || e.time().isBefore(drift))) {
                drift = e.time();
                driftText = e.text();
            }
        }
        Instant p = promotion;
        if (p != null) {
            promoted = points.stream()
                    .filter(t -> !t.time().isBefore(p) && t.modelVersion() != null)
                    .map(TimePoint::modelVersion)
                    .findFirst()
                    .orElse(null);
        }
        Instant d = drift;
        Double before = p == null ? null : mean(points, t -> t.time().isBefore(p), TimePoint::nonRgbTop1);
        Predicate<TimePoint> after = t -> p != null
                && !t.time().isBefore(p.plus(window))
                && (d == null || !t.time().isAfter(d));
        Double afterStudent = mean(points, after, TimePoint::nonRgbTop1);
        Double afterTeacher = mean(points, after, TimePoint::teacherNonRgbTop1);
        Boolean beats = afterStudent == null || afterTeacher == null ? null : afterStudent > afterTeacher;

        Double pre = null;
        Double lowest = null;
        Double recovery = null;
        Boolean recovered = null;
        if (d != null) {
            for (TimePoint t : points) {
                if (!t.time().isAfter(d) && t.nonRgbTop1() != null) {
                    pre = t.nonRgbTop1();
                }
            }
            // Judged up to the next drift event, which is another change to recover from.
            Instant until = events.stream()
                    .filter(e -> e.kind() == LiveEvent.Kind.DRIFT && e.time().isAfter(d))
                    .map(LiveEvent::time)
                    .min(Instant::compareTo)
                    .orElse(Instant.MAX);
            Instant lowestAt = null;
            for (TimePoint t : points) {
                if (!t.time().isBefore(d.plus(window))
                        && !t.time().isAfter(until)
                        && t.nonRgbTop1() != null
                        && (lowest == null || t.nonRgbTop1() < lowest)) {
                    lowest = t.nonRgbTop1();
                    lowestAt = t.time();
                }
            }
            if (pre != null && lowestAt != null) {
                // Recovered: back within the tolerance at or after the lowest point once the window is past the drift,
                // so a
                // fall that comes only later (a student retrained on bad targets, say) is not hidden by an early good
                // window.
                for (TimePoint t : points) {
                    if (!t.time().isBefore(lowestAt)
                            && !t.time().isAfter(until)
                            && t.nonRgbTop1() != null
                            && t.nonRgbTop1() >= pre - targets.recoveryTolerance() - 1e-9) {
                        recovery = Duration.between(d, t.time()).toMillis() / 1000.0;
                        break;
                    }
                }
            }
            if (pre != null) {
                boolean sawWholeWindowAfter =
                        points.stream().anyMatch(t -> !t.time().isBefore(d.plus(window)));
                if (recovery != null) {
                    recovered = recovery <= targets.recoveryLimit().toSeconds();
                } else if (sawWholeWindowAfter) {
                    recovered = Boolean.FALSE;
                }
            }
        }
        Double share = annotations == 0 ? null : (double) routed / annotations;
        Boolean budget = share == null ? null : share <= targets.routingBudget();
        return new LiveSummary(
                firstAnnotation,
                promotion,
                promoted,
                before,
                afterStudent,
                afterTeacher,
                beats,
                drift,
                driftText,
                pre,
                lowest,
                recovery,
                recovered,
                last(points, TimePoint::nonRgbTop1),
                last(points, TimePoint::rgbTop1),
                annotations,
                routed,
                share,
                budget);
    }

    private static Double mean(
            List<TimePoint> points, Predicate<TimePoint> which, java.util.function.Function<TimePoint, Double> f) {
        double sum = 0;
        int n = 0;
        for (TimePoint t : points) {
            Double v = which.test(t) ? f.apply(t) : null;
            if (v != null) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    private static Double last(List<TimePoint> points, java.util.function.Function<TimePoint, Double> f) {
        Optional<Double> v = Optional.empty();
        for (TimePoint t : points) {
            if (f.apply(t) != null) {
                v = Optional.of(f.apply(t));
            }
        }
        return v.orElse(null);
    }
}
