package dev.edgevl.eval.live;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.Modality;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The evaluator without Kafka: records in, figures out. Annotations are matched to truth and judged (the fleet's
 * figure); sampled pairs are matched to truth and handed to the {@link PairJudge}s (the frozen v0, the teacher alone);
 * every verdict lands in one {@link Scoreboard}, from which the sliding window's per-modality figures, the time series,
 * the segments and the summary are cut. Thread-safe: the consumer thread feeds it while the terminal view and the
 * report read it.
 */
public final class LiveTally {
    private final LiveEvaluator.Options options;
    private final Scoreboard board = new Scoreboard();
    private final List<PairJudge> judges = new CopyOnWriteArrayList<>();
    private final Map<PairJudge, List<PairJudge.Sample>> directPending = new LinkedHashMap<>();
    private final TruthMatcher<Annotation> annotations;
    private final TruthMatcher<FramePair> pairs;
    private final LiveWindow window;
    private final Timeline timeline;
    private final List<LiveEvent> events = new ArrayList<>();
    /** Each model version the fleet ran and its name on the chart ("student v3"). */
    private final Map<Long, String> versions = new java.util.TreeMap<>();

    private final Set<String> devices = new HashSet<>();
    private final Exposure exposure = new Exposure();
    private final Map<Modality, long[]> routing = new EnumMap<>(Modality.class);
    private final Map<Modality, long[]> pairing = new EnumMap<>(Modality.class);
    private long judged;
    private long routed;
    private long undecodable;
    private long beforeStart;
    private Instant first;
    private Instant last;
    private Instant firstLabelled;

    public LiveTally(LiveEvaluator.Options options) {
        this.options = options;
        this.annotations = new TruthMatcher<>(options.matchCapacity());
        this.pairs = new TruthMatcher<>(options.matchCapacity());
        this.window = new LiveWindow(options.window());
        this.timeline = new Timeline(options.step());
        this.events.addAll(options.events());
    }

    public Scoreboard board() {
        return board;
    }

    /** A judge for sampled pairs from now on (the frozen v0 once its bundle is known, the teacher). */
    public synchronized void addJudge(PairJudge judge) {
        judges.add(judge);
    }

    public synchronized void onAnnotation(Annotation a) {
        if (beforeRun(a.getCaptureTime())) {
            return;
        }
        annotations.offerItem(FrameKey.of(a), a).ifPresent(m -> judge(m.item(), m.label()));
    }

    public synchronized void onTruth(FrameTruth t) {
        if (beforeRun(t.getCaptureTime())) {
            return;
        }
        Optional<String> label = TruthLabels.label(t);
        if (label.isEmpty()) {
            return;
        }
        FrameKey key = FrameKey.of(t);
        annotations.offerTruth(key, label.get()).ifPresent(m -> judge(m.item(), m.label()));
        if (!judges.isEmpty()) {
            pairs.offerTruth(key, label.get()).ifPresent(m -> toJudges(m.key(), m.item(), m.label()));
        }
    }

    public synchronized void onPair(FramePair p) {
        if (beforeRun(p.getAux().getCaptureTime())) {
            return;
        }
        long[] c = pairing.computeIfAbsent(p.getAux().getModality(), m -> new long[2]);
        c[0]++;
        c[1] += p.getRgb() == null ? 1 : 0;
        FrameKey key = FrameKey.of(p.getAux());
        if (judges.stream().anyMatch(j -> j.wants(key))) {
            pairs.offerItem(key, p).ifPresent(m -> toJudges(m.key(), m.item(), m.label()));
        }
    }

    synchronized void onUndecodable() {
        undecodable++;
    }

    public synchronized void mark(LiveEvent event) {
        events.add(event);
    }

    /** A canary of {@code version} was rolled back: the report says how much of the fleet ran it. */
    public synchronized void rolledBack(long version) {
        exposure.rolledBack(version);
    }

    /** A restarted run reports only its own stream time: what was captured before it started is left out. */
    private boolean beforeRun(Instant captureTime) {
        if (options.from() != null && captureTime.isBefore(options.from())) {
            beforeStart++;
            return true;
        }
        return false;
    }

    private void toJudges(FrameKey key, FramePair pair, String label) {
        for (PairJudge j : judges) {
            if (!j.wants(key)) {
                continue;
            }
            if (j.threaded()) {
                j.offer(pair, label);
            } else {
                List<PairJudge.Sample> pending = directPending.computeIfAbsent(j, x -> new ArrayList<>());
                pending.add(new PairJudge.Sample(pair, label));
                if (pending.size() >= j.batchSize()) {
                    j.scoreNow(List.copyOf(pending));
                    pending.clear();
                }
            }
        }
    }

    /** Scores what direct judges still hold. */
    public synchronized void flushJudges() {
        directPending.forEach((j, pending) -> {
            j.scoreNow(List.copyOf(pending));
            pending.clear();
        });
    }

    private void judge(Annotation a, String label) {
        Observation o = Observation.judge(a, label);
        judged++;
        routed += o.routed() ? 1 : 0;
        long[] r = routing.computeIfAbsent(o.modality(), m -> new long[2]);
        r[0]++;
        r[1] += o.routed() ? 1 : 0;
        devices.add(a.getDeviceId());
        exposure.annotated(a.getModelVersion(), a.getDeviceId(), o.captureTime());
        first = first == null || o.captureTime().isBefore(first) ? o.captureTime() : first;
        last = last == null || o.captureTime().isAfter(last) ? o.captureTime() : last;
        if (o.labelled() && (firstLabelled == null || o.captureTime().isBefore(firstLabelled))) {
            firstLabelled = o.captureTime();
        }
        // What the fleet ran: a frame it gave no labels is a frame it got wrong.
        board.add(Scoreboard.Judge.ADAPTIVE, o.modality(), o.captureTime(), o.nonRgbRight());
        if (a.getRgbSequence() != null) {
            board.add(Scoreboard.Judge.ADAPTIVE, Modality.RGB, o.captureTime(), Boolean.TRUE.equals(o.rgbRight()));
        }
        if (o.modelVersion() != null) {
            board.version(o.modelVersion(), o.captureTime());
            versions.computeIfAbsent(
                    o.modelVersion(), v -> (a.getModelFamily() == null ? "" : a.getModelFamily() + " ") + "v" + v);
        }
        window.add(o);
        timeline.advance(window.figures(), this::point);
    }

    /**
     * The window's figures with, per modality, the three judges over the same stretch of capture time (the window's
     * seconds), and the teacher alone on every non-RGB modality together, the figure the summary compares with.
     */
    private TimePoint point(WindowFigures w) {
        if (w.end() == null || w.frames() == 0) {
            return TimePoint.of(w, null, Map.of());
        }
        Instant from = w.end().minus(options.window()).plusSeconds(1);
        Instant to = w.end().plusSeconds(1);
        Map<Modality, TimePoint.Judged> byModality = new EnumMap<>(Modality.class);
        for (Modality m : Scoreboard.MODALITIES) {
            byModality.put(
                    m,
                    new TimePoint.Judged(
                            board.rate(Scoreboard.Judge.ADAPTIVE, m, from, to).value(),
                            board.rate(Scoreboard.Judge.FROZEN, m, from, to).value(),
                            board.rate(Scoreboard.Judge.TEACHER, m, from, to).value()));
        }
        Scoreboard.Rate depth = board.rate(Scoreboard.Judge.TEACHER, Modality.DEPTH, from, to);
        Scoreboard.Rate thermal = board.rate(Scoreboard.Judge.TEACHER, Modality.THERMAL, from, to);
        Double teacherNonRgb =
                new Scoreboard.Rate(depth.right() + thermal.right(), depth.judged() + thermal.judged()).value();
        return TimePoint.of(w, teacherNonRgb, byModality);
    }

    /**
     * The marked events and one per model version, where the earliest frame it annotated was captured (not where its
     * first annotation happened to arrive: partitions interleave); so the version live from the first frame is not
     * taken for a promotion.
     */
    private List<LiveEvent> eventsWithVersions() {
        List<LiveEvent> all = new ArrayList<>(events);
        versions.forEach(
                (v, name) -> all.add(new LiveEvent(board.firstCapture(v), LiveEvent.Kind.MODEL_VERSION, name)));
        return all;
    }

    private LiveReport.Matching matching() {
        return new LiveReport.Matching(
                annotations.matched(), annotations.evictedItems(), annotations.evictedTruths(), undecodable);
    }

    public synchronized LiveSnapshot snapshot() {
        WindowFigures w = window.figures();
        TimePoint now = point(w);
        return new LiveSnapshot(
                w, now.teacherNonRgbTop1(), now.modalities(), judged, routed, annotations.waitingItems(), matching());
    }

    public synchronized LiveReport report() {
        flushJudges();
        timeline.close(window.figures(), this::point);
        List<TimePoint> points = timeline.points();
        // Events the run did not reach (a scenario's later drift) are not part of its report.
        List<LiveEvent> sorted = eventsWithVersions().stream()
                .filter(e -> last == null || !e.time().isAfter(last))
                .sorted(Comparator.comparing(LiveEvent::time))
                .toList();
        LiveSummary summary =
                LiveSummary.of(points, sorted, options.window(), judged, routed, first, options.targets());
        Instant start = options.from() != null ? options.from() : first;
        Duration duration = first == null ? Duration.ZERO : Duration.between(start, last);
        List<Segment> segments = Segment.cut(board, sorted, start, last);
        List<ModalityJudgement> modalities = new ArrayList<>();
        for (Modality m : Scoreboard.MODALITIES) {
            modalities.add(ModalityJudgement.of(
                    m,
                    board,
                    segments,
                    sorted,
                    summary.firstPromotionTime(),
                    last,
                    options.window(),
                    options.targets()));
        }
        Map<Modality, LiveReport.Share> routingShares = new EnumMap<>(Modality.class);
        routing.forEach((m, c) -> routingShares.put(m, new LiveReport.Share(c[1], c[0])));
        Map<Modality, LiveReport.Share> unpaired = new EnumMap<>(Modality.class);
        pairing.forEach((m, c) -> unpaired.put(m, new LiveReport.Share(c[1], c[0])));
        Map<Scoreboard.Judge, PairJudge.Stats> judgeStats = new EnumMap<>(Scoreboard.Judge.class);
        judges.forEach(j -> judgeStats.put(j.judge(), j.stats()));
        return new LiveReport(
                options.scenario(),
                start,
                duration,
                devices.size(),
                options.window(),
                points,
                sorted,
                summary,
                options.targets(),
                matching(),
                segments,
                modalities,
                routingShares,
                unpaired,
                firstLabelled == null || start == null ? null : Duration.between(start, firstLabelled),
                judgeStats,
                beforeStart,
                exposure.report(),
                null,
                null);
    }
}
