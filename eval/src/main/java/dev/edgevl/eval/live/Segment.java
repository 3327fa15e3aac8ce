package dev.edgevl.eval.live;

import dev.edgevl.avro.Modality;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A stretch of the run between two drift events (or the end of one), named for the event that opens it ({@code start}
 * for the first), with the three figures per modality over the frames captured in it.
 *
 * @param versions the model versions that annotated frames in it
 */
public record Segment(String name, Instant start, Instant end, List<Long> versions, Map<Modality, Figures> modalities) {

    /**
     * Top-1 against ground truth of what the fleet ran, of the frozen v0 and of the teacher alone, on frames captured in
     * the segment; null where a judge scored nothing.
     *
     * @param judged frames the fleet's figure is over; {@code frozenJudged} and {@code teacherJudged} the others'
     * @param gainStandardError the standard error of adaptive − frozen, each second of capture time one cluster
     *     ({@link Scoreboard#differenceStandardError}); null when too little was judged
     */
    public record Figures(
            Double adaptive,
            Double frozen,
            Double teacher,
            long judged,
            long frozenJudged,
            long teacherJudged,
            Double gainStandardError) {

        static Figures of(Scoreboard board, Modality m, Instant from, Instant to) {
            Scoreboard.Rate a = board.rate(Scoreboard.Judge.ADAPTIVE, m, from, to);
            Scoreboard.Rate f = board.rate(Scoreboard.Judge.FROZEN, m, from, to);
            Scoreboard.Rate t = board.rate(Scoreboard.Judge.TEACHER, m, from, to);
            return new Figures(
                    a.value(),
                    f.value(),
                    t.value(),
                    a.judged(),
                    f.judged(),
                    t.judged(),
                    board.differenceStandardError(Scoreboard.Judge.ADAPTIVE, Scoreboard.Judge.FROZEN, m, from, to));
        }

        /** Adaptive minus frozen, when both were judged. */
        public Double gain() {
            return adaptive == null || frozen == null ? null : adaptive - frozen;
        }
    }

    public Segment {
        versions = List.copyOf(versions);
        modalities = Collections.unmodifiableMap(new EnumMap<>(modalities));
    }

    /**
     * Cuts [{@code start}, {@code end}] at every event that {@link LiveEvent#cutsSegments cuts segments} strictly inside
     * it; the figures of each part come from {@code board}. Empty without a start.
     */
    static List<Segment> cut(Scoreboard board, List<LiveEvent> events, Instant start, Instant end) {
        List<Segment> out = new ArrayList<>();
        if (start == null || end == null) {
            return out;
        }
        List<LiveEvent> cuts = events.stream()
                .filter(LiveEvent::cutsSegments)
                // a cut in the run's last second would open a segment with nothing in it to judge
                .filter(e -> e.time().isAfter(start) && e.time().isBefore(end.minusSeconds(1)))
                .sorted(java.util.Comparator.comparing(LiveEvent::time))
                .toList();
        String name = "start";
        Instant from = start;
        for (LiveEvent e : cuts) {
            out.add(of(board, name, from, e.time()));
            name = e.segmentName();
            from = e.time();
        }
        // The last one runs to the end of the run, including frames captured in its final second.
        out.add(of(board, name, from, end.plusSeconds(1)));
        return out;
    }

    static Segment of(Scoreboard board, String name, Instant from, Instant to) {
        Map<Modality, Figures> figures = new EnumMap<>(Modality.class);
        for (Modality m : Scoreboard.MODALITIES) {
            figures.put(m, Figures.of(board, m, from, to));
        }
        return new Segment(name, from, to, board.versionsBetween(from, to), figures);
    }
}
