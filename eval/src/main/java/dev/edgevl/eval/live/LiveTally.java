package dev.edgevl.eval.live;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.SensorFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The evaluator without Kafka: records in, figures out. Annotations and sampled pairs are matched
 * to truth, judged, and fed to the sliding window, the time series and the teacher baseline.
 * Thread-safe: the consumer thread feeds it while the terminal view and the report read it.
 */
final class LiveTally {
    private final LiveEvaluator.Options options;
    private final TeacherBaseline baseline;
    private final TruthMatcher<Annotation> annotations;
    private final TruthMatcher<SensorFrame> pairs;
    private final LiveWindow window;
    private final Timeline timeline;
    private final List<LiveEvent> events = new ArrayList<>();
    private final Set<Long> versionsSeen = new HashSet<>();
    private final Set<String> devices = new HashSet<>();
    private long judged;
    private long routed;
    private long undecodable;
    private Instant first;
    private Instant last;

    /** @param baseline null to run without the teacher's figure */
    LiveTally(LiveEvaluator.Options options, TeacherBaseline baseline) {
        this.options = options;
        this.baseline = baseline;
        this.annotations = new TruthMatcher<>(options.matchCapacity());
        this.pairs = new TruthMatcher<>(options.matchCapacity());
        this.window = new LiveWindow(options.window());
        this.timeline = new Timeline(options.step());
        this.events.addAll(options.events());
    }

    synchronized void onAnnotation(Annotation a) {
        annotations.offerItem(FrameKey.of(a), a).ifPresent(m -> judge(m.item(), m.label()));
    }

    synchronized void onTruth(FrameTruth t) {
        Optional<String> label = TruthLabels.label(t);
        if (label.isEmpty()) {
            return;
        }
        FrameKey key = FrameKey.of(t);
        annotations.offerTruth(key, label.get()).ifPresent(m -> judge(m.item(), m.label()));
        if (baseline != null) {
            pairs.offerTruth(key, label.get()).ifPresent(m -> baseline.offer(m.item(), m.label()));
        }
    }

    synchronized void onPair(FramePair p) {
        if (baseline != null && baseline.wants()) {
            pairs.offerItem(FrameKey.of(p.getAux()), p.getAux()).ifPresent(m -> baseline.offer(m.item(), m.label()));
        }
    }

    synchronized void onUndecodable() {
        undecodable++;
    }

    synchronized void mark(LiveEvent event) {
        events.add(event);
    }

    private void judge(Annotation a, String label) {
        Observation o = Observation.judge(a, label);
        judged++;
        routed += o.routed() ? 1 : 0;
        devices.add(a.getDeviceId());
        first = first == null || o.captureTime().isBefore(first) ? o.captureTime() : first;
        last = last == null || o.captureTime().isAfter(last) ? o.captureTime() : last;
        if (o.modelVersion() != null && versionsSeen.add(o.modelVersion())) {
            String family = a.getModelFamily() == null ? "" : a.getModelFamily() + " ";
            events.add(new LiveEvent(o.captureTime(), LiveEvent.Kind.MODEL_VERSION, family + "v" + o.modelVersion()));
        }
        window.add(o);
        timeline.advance(window.figures(), this::teacherTop1);
    }

    private Double teacherTop1() {
        return baseline == null ? null : baseline.top1();
    }

    private LiveReport.Matching matching() {
        return new LiveReport.Matching(
                annotations.matched(), annotations.evictedItems(), annotations.evictedTruths(), undecodable);
    }

    synchronized LiveSnapshot snapshot() {
        return new LiveSnapshot(
                window.figures(), teacherTop1(), judged, routed, annotations.waitingItems(), matching());
    }

    synchronized LiveReport report() {
        timeline.close(window.figures(), teacherTop1());
        List<TimePoint> points = timeline.points();
        List<LiveEvent> sorted =
                events.stream().sorted(Comparator.comparing(LiveEvent::time)).toList();
        LiveSummary summary =
                LiveSummary.of(points, sorted, options.window(), judged, routed, first, options.targets());
        Duration duration = first == null ? Duration.ZERO : Duration.between(first, last);
        return new LiveReport(
                options.scenario(),
                first,
                duration,
                devices.size(),
                options.window(),
                points,
                sorted,
                summary,
                options.targets(),
                matching(),
                baseline == null ? null : baseline.stats());
    }
}
