package dev.edgevl.eval.live;

import dev.edgevl.avro.Modality;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether adaptation helped on one modality, judged against the frozen v0 on the same frames.
 *
 * <ul>
 *   <li><b>Never worse than frozen</b>: every segment, from the first promotion on, has adaptive top-1 at least the
 *       frozen one minus the margin ({@link LiveSummary.Targets#frozenMargin}); segments where either judge scored fewer
 *       than {@link LiveSummary.Targets#minJudged} frames are not judged. Null when nothing was promoted or v0 was
 *       never scored.
 *   <li><b>Gain at the end</b>: adaptive minus frozen over the last window of the run.
 *   <li><b>Recovery</b>, after each drift: the level of each judge over the window before it, its figure over the
 *       segment the drift opens, and how long each took until a whole window was back within the tolerance of its
 *       level (null: not before the next drift or the end of the run).
 * </ul>
 *
 * @param worstSegment the judged segment where adaptive fell furthest below frozen, and {@code worstGap} by how much
 * @param worstGapStandardError the standard error of that gap, each second of capture time one cluster: how much of it
 *     the scenes of a short segment alone could explain
 */
public record ModalityJudgement(
        Modality modality,
        Boolean neverWorseThanFrozen,
        int segmentsJudged,
        String worstSegment,
        Double worstGap,
        Double worstGapStandardError,
        Double finalAdaptive,
        Double finalFrozen,
        Double finalTeacher,
        Double gainOverFrozen,
        List<Recovery> recoveries) {

    public ModalityJudgement {
        recoveries = List.copyOf(recoveries);
    }

    /** One drift, on this modality. */
    public record Recovery(
            String drift,
            Instant at,
            Double adaptiveBefore,
            Double frozenBefore,
            Double adaptiveAfter,
            Double frozenAfter,
            Double adaptiveSeconds,
            Double frozenSeconds) {}

    private static final Duration STEP = Duration.ofSeconds(5);

    static ModalityJudgement of(
            Modality m,
            Scoreboard board,
            List<Segment> segments,
            List<LiveEvent> events,
            Instant promotion,
            Instant end,
            Duration window,
            LiveSummary.Targets targets) {
        Boolean never = null;
        int judged = 0;
        String worst = null;
        Double worstGap = null;
        Double worstError = null;
        if (promotion != null) {
            for (Segment s : segments) {
                if (!s.end().isAfter(promotion)) {
                    continue;
                }
                Instant from = s.start().isBefore(promotion) ? promotion : s.start();
                Segment.Figures f = Segment.Figures.of(board, m, from, s.end());
                if (f.judged() < targets.minJudged() || f.frozenJudged() < targets.minJudged()) {
                    continue;
                }
                judged++;
                double gap = f.gain();
                if (worstGap == null || gap < worstGap) {
                    worstGap = gap;
                    worstError = f.gainStandardError();
                    worst = s.name();
                }
            }
            never = judged == 0 ? null : worstGap >= -targets.frozenMargin() - 1e-9;
        }
        Instant lastFrom = end == null ? null : end.minus(window).plusSeconds(1);
        Instant lastTo = end == null ? null : end.plusSeconds(1);
        Double finalAdaptive = rate(board, Scoreboard.Judge.ADAPTIVE, m, lastFrom, lastTo, targets);
        Double finalFrozen = rate(board, Scoreboard.Judge.FROZEN, m, lastFrom, lastTo, targets);
        Double finalTeacher = rate(board, Scoreboard.Judge.TEACHER, m, lastFrom, lastTo, targets);
        Double gain = finalAdaptive == null || finalFrozen == null ? null : finalAdaptive - finalFrozen;

        List<Recovery> recoveries = new ArrayList<>();
        for (Segment s : segments) {
            LiveEvent opening = events.stream()
                    .filter(e -> e.kind() == LiveEvent.Kind.DRIFT && e.time().equals(s.start()))
                    .findFirst()
                    .orElse(null);
            if (opening == null) {
                continue;
            }
            Instant d = s.start();
            // Judged until the next drift: the end of a night or a dropout is part of recovering from it.
            Instant until = events.stream()
                    .filter(e -> e.kind() == LiveEvent.Kind.DRIFT && e.time().isAfter(d))
                    .map(LiveEvent::time)
                    .min(Instant::compareTo)
                    .orElse(end == null ? s.end() : end.plusSeconds(1));
            Double aBefore = rate(board, Scoreboard.Judge.ADAPTIVE, m, d.minus(window), d, targets);
            Double fBefore = rate(board, Scoreboard.Judge.FROZEN, m, d.minus(window), d, targets);
            Segment.Figures after = s.modalities().get(m);
            recoveries.add(new Recovery(
                    s.name(),
                    d,
                    aBefore,
                    fBefore,
                    after.adaptive(),
                    after.frozen(),
                    recovery(board, Scoreboard.Judge.ADAPTIVE, m, d, until, aBefore, window, targets),
                    recovery(board, Scoreboard.Judge.FROZEN, m, d, until, fBefore, window, targets)));
        }
        return new ModalityJudgement(
                m,
                never,
                judged,
                worst,
                worstGap,
                worstError,
                finalAdaptive,
                finalFrozen,
                finalTeacher,
                gain,
                recoveries);
    }

    /** A judge's rate over [from, to), null when it scored too few frames there to say. */
    private static Double rate(
            Scoreboard board,
            Scoreboard.Judge judge,
            Modality m,
            Instant from,
            Instant to,
            LiveSummary.Targets targets) {
        if (from == null || to == null) {
            return null;
        }
        Scoreboard.Rate r = board.rate(judge, m, from, to);
        return r.judged() < targets.minJudged() ? null : r.value();
    }

    /** Seconds from the drift until a whole window after it is back within the tolerance of {@code before}. */
    private static Double recovery(
            Scoreboard board,
            Scoreboard.Judge judge,
            Modality m,
            Instant drift,
            Instant until,
            Double before,
            Duration window,
            LiveSummary.Targets targets) {
        if (before == null) {
            return null;
        }
        for (Instant t = drift.plus(window); !t.isAfter(until); t = t.plus(STEP)) {
            Double v = rate(board, judge, m, t.minus(window), t, targets);
            if (v != null && v >= before - targets.recoveryTolerance() - 1e-9) {
                return (double) Duration.between(drift, t).toSeconds();
            }
        }
        return null;
    }
}
