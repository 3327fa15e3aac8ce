package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveSummaryTest {
    private static final Duration WINDOW = Duration.ofSeconds(10);

    private static TimePoint point(double t, Double student, Double teacher, Long version) {
        return new TimePoint(
                Records.at(t), 10, student, null, teacher, 0.02, 2, 10.0, 20.0, version, java.util.Map.of());
    }

    private static LiveEvent version(double t, long v) {
        return new LiveEvent(Records.at(t), LiveEvent.Kind.MODEL_VERSION, "v" + v);
    }

    @Test
    void theStudentBeatsTheTeacherOnlyWhenItsAfterFigureIsHigher() {
        List<TimePoint> points = new ArrayList<>();
        for (int t = 0; t <= 100; t += 5) {
            points.add(t < 30 ? point(t, null, 0.10, null) : point(t, 0.35, 0.10, 1L));
        }
        LiveSummary s = LiveSummary.of(
                points, List.of(version(30, 1)), WINDOW, 100, 3, Records.at(0), LiveSummary.Targets.DEFAULT);
        assertThat(s.firstPromotedVersion()).isEqualTo(1L);
        assertThat(s.nonRgbBeforePromotion())
                .as("nothing labelled before the first model")
                .isNull();
        assertThat(s.beatsTeacher()).isTrue();

        List<TimePoint> worse = points.stream()
                .map(p -> point(LiveSummaryTestTime.of(p), p.nonRgbTop1(), 0.5, p.modelVersion()))
                .toList();
        assertThat(LiveSummary.of(
                                worse,
                                List.of(version(30, 1)),
                                WINDOW,
                                100,
                                3,
                                Records.at(0),
                                LiveSummary.Targets.DEFAULT)
                        .beatsTeacher())
                .isFalse();
    }

    @Test
    void theDriftJudgedIsTheFirstOneAWindowAfterThePromotion() {
        List<TimePoint> points = new ArrayList<>();
        for (int t = 5; t <= 300; t += 5) {
            points.add(t < 60 ? point(t, null, 0.1, null) : point(t, t > 200 && t < 220 ? 0.3 : 0.5, 0.1, 1L));
        }
        LiveEvent early = new LiveEvent(Records.at(30), LiveEvent.Kind.DRIFT, "sensor-dropout");
        LiveEvent night = new LiveEvent(Records.at(200), LiveEvent.Kind.DRIFT, "night");
        LiveSummary s = LiveSummary.of(
                points,
                List.of(early, version(60, 1), night),
                WINDOW,
                600,
                20,
                Records.at(0),
                LiveSummary.Targets.DEFAULT);
        assertThat(s.drift())
                .as("a drift before the promoted student existed has no level to recover to")
                .isEqualTo("night");
        assertThat(s.preDriftNonRgb()).isEqualTo(0.5);
        assertThat(s.nonRgbAfterPromotion())
                .as("the promoted student until the judged drift")
                .isEqualTo(0.5);
        assertThat(s.recoveredInTime()).isTrue();
    }

    @Test
    void aFallThatComesAfterAGoodWindowIsNotRecovered() {
        List<TimePoint> points = new ArrayList<>();
        for (int t = 5; t <= 400; t += 5) {
            points.add(point(
                    t, t < 150 ? 0.5 : 0.3, 0.1, 1L)); // still fine right after the drift at 100 s, then worse for good
        }
        LiveEvent drift = new LiveEvent(Records.at(100), LiveEvent.Kind.DRIFT, "night");
        LiveSummary s =
                LiveSummary.of(points, List.of(drift), WINDOW, 800, 30, Records.at(0), LiveSummary.Targets.DEFAULT);
        assertThat(s.lowestNonRgbAfterDrift()).isEqualTo(0.3);
        assertThat(s.recoveredInTime()).isFalse();
    }

    @Test
    void aVersionLiveFromTheStartIsNotAPromotion() {
        List<TimePoint> points = List.of(point(5, 0.3, null, 1L), point(10, 0.3, null, 1L));
        LiveSummary s = LiveSummary.of(
                points, List.of(version(0, 1)), WINDOW, 20, 0, Records.at(0), LiveSummary.Targets.DEFAULT);
        assertThat(s.firstPromotionTime()).isNull();
        assertThat(s.beatsTeacher()).isNull();
    }

    @Test
    void aStudentThatNeverComesBackFailsTheDriftTarget() {
        List<TimePoint> points = new ArrayList<>();
        for (int t = 5; t <= 400; t += 5) {
            points.add(point(t, t <= 100 ? 0.6 : 0.5, 0.1, 1L));
        }
        LiveEvent drift = new LiveEvent(Records.at(100), LiveEvent.Kind.DRIFT, "new-classes");
        LiveSummary s =
                LiveSummary.of(points, List.of(drift), WINDOW, 800, 80, Records.at(0), LiveSummary.Targets.DEFAULT);
        assertThat(s.preDriftNonRgb()).isEqualTo(0.6);
        assertThat(s.recoverySeconds()).isNull();
        assertThat(s.recoveredInTime()).isFalse();
        assertThat(s.routingWithinBudget()).as("10% routed").isFalse();
    }

    @Test
    void aRecoveryWithinTwoPointsCountsButOnlyOnceTheWindowIsPastTheDrift() {
        List<TimePoint> points = List.of(
                point(95, 0.60, null, 1L),
                point(100, 0.60, null, 1L),
                point(105, 0.59, null, 1L),
                point(110, 0.40, null, 1L),
                point(200, 0.585, null, 2L),
                point(400, 0.58, null, 2L));
        LiveEvent drift = new LiveEvent(Records.at(100), LiveEvent.Kind.DRIFT, "night");
        LiveSummary s =
                LiveSummary.of(points, List.of(drift), WINDOW, 10, 0, Records.at(0), LiveSummary.Targets.DEFAULT);
        assertThat(s.recoverySeconds())
                .as("105 s is still half pre-drift; 110 s dipped; 200 s is back")
                .isEqualTo(100.0);
        assertThat(s.recoveredInTime()).isTrue();
        assertThat(s.lowestNonRgbAfterDrift()).isEqualTo(0.40);
    }

    @Test
    void aRunThatEndsRightAfterTheDriftIsNotJudged() {
        List<TimePoint> points =
                List.of(point(95, 0.6, null, 1L), point(100, 0.6, null, 1L), point(105, 0.2, null, 1L));
        LiveEvent drift = new LiveEvent(Records.at(100), LiveEvent.Kind.DRIFT, "night");
        assertThat(LiveSummary.of(points, List.of(drift), WINDOW, 10, 0, Records.at(0), LiveSummary.Targets.DEFAULT)
                        .recoveredInTime())
                .isNull();
    }

    /** Seconds of a point's time from the test epoch. */
    private static final class LiveSummaryTestTime {
        static double of(TimePoint p) {
            return Duration.between(Records.T0, p.time()).toMillis() / 1000.0;
        }
    }
}
