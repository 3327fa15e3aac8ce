package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FrameTruth;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scripted run through the evaluator without a broker: v1 (poor) live from the start, v2 (good)
 * promoted at 60 s, drift at 200 s knocks accuracy down until v3 arrives at 260 s.
 */
class LiveTallyTest {
    private static LiveReport report;

    @BeforeAll
    static void run() {
        LiveEvent drift = new LiveEvent(Records.at(200), LiveEvent.Kind.DRIFT, "night");
        LiveEvaluator.Options options = new LiveEvaluator.Options(
                "scripted",
                Duration.ofSeconds(20),
                Duration.ofSeconds(5),
                1000,
                List.of(drift),
                LiveSummary.Targets.DEFAULT,
                null);
        LiveTally tally = new LiveTally(options);
        for (long seq = 0; seq <= 800; seq++) {
            double t = seq / 2.0;
            long version = t < 60 ? 1 : t < 260 ? 2 : 3;
            boolean right = version == 1 ? seq % 5 == 0 : t > 200 && t < 260 ? seq % 10 < 3 : seq % 5 != 0;
            Annotation a = Records.annotation(
                    "cam-" + seq % 2, seq, t, right ? "cube" : "cone", right ? "cube" : "cone", seq % 25 == 0, version);
            FrameTruth truth = Records.truth("cam-" + seq % 2, "depth0", seq, t, "cube");
            if (seq % 2 == 0) {
                tally.onTruth(truth);
                tally.onAnnotation(a);
            } else {
                tally.onAnnotation(a);
                tally.onTruth(truth);
            }
            tally.onTruth(Records.truth("cam-" + seq % 2, "rgb0", seq, t, "cube"));
        }
        tally.mark(new LiveEvent(Records.at(250), LiveEvent.Kind.RETRAIN, "round 3"));
        report = tally.report();
    }

    @Test
    void everyAnnotationIsJudgedOnce() {
        assertThat(report.matching().matched()).isEqualTo(801);
        assertThat(report.matching().evictedAnnotations()).isZero();
        assertThat(report.summary().annotations()).isEqualTo(801);
        assertThat(report.devices()).isEqualTo(2);
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(400));
    }

    @Test
    void versionChangesAreMarkedWhereTheyFirstAppear() {
        assertThat(report.events())
                .filteredOn(e -> e.kind() == LiveEvent.Kind.MODEL_VERSION)
                .extracting(LiveEvent::time, LiveEvent::text)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Records.at(0), "student v1"),
                        org.assertj.core.groups.Tuple.tuple(Records.at(60), "student v2"),
                        org.assertj.core.groups.Tuple.tuple(Records.at(260), "student v3"));
        assertThat(report.events()).extracting(LiveEvent::kind).contains(LiveEvent.Kind.DRIFT, LiveEvent.Kind.RETRAIN);
    }

    @Test
    void theSeriesHasAPointEveryStep() {
        assertThat(report.points()).hasSizeBetween(79, 81);
        assertThat(report.points().get(5).modelVersion()).isEqualTo(1L);
        assertThat(report.points())
                .allSatisfy(p -> assertThat(p.framesPerSecond()).isCloseTo(2.0, within(0.2)));
    }

    @Test
    void summaryComparesBeforeAndAfterTheFirstPromotion() {
        LiveSummary s = report.summary();
        assertThat(s.firstPromotionTime()).isEqualTo(Records.at(60));
        assertThat(s.firstPromotedVersion()).isEqualTo(2L);
        assertThat(s.nonRgbBeforePromotion()).isCloseTo(0.2, within(0.05));
        assertThat(s.nonRgbAfterPromotion()).isCloseTo(0.8, within(0.01));
        assertThat(s.teacherNonRgbAfterPromotion())
                .as("no teacher baseline in this run")
                .isNull();
        assertThat(s.beatsTeacher()).isNull();
    }

    @Test
    void summaryMeasuresTheDipAndTheRecoveryAfterDrift() {
        LiveSummary s = report.summary();
        assertThat(s.driftTime()).isEqualTo(Records.at(200));
        assertThat(s.preDriftNonRgb()).isCloseTo(0.8, within(0.01));
        assertThat(s.lowestNonRgbAfterDrift()).isCloseTo(0.275, within(0.01));
        assertThat(s.recoverySeconds()).isEqualTo(80.0);
        assertThat(s.recoveredInTime()).isTrue();
        assertThat(s.routingShare()).isCloseTo(33.0 / 801, within(1e-9));
        assertThat(s.routingWithinBudget()).isTrue();
        assertThat(s.finalRgb()).isCloseTo(0.8, within(0.01));
    }

    @Test
    void theJsonHasPlainlyNamedFields(@TempDir Path dir) throws Exception {
        Path json = report.write(dir);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("scenario").asText()).isEqualTo("scripted");
        assertThat(root.get("devices").asInt()).isEqualTo(2);
        assertThat(root.get("durationSeconds").asDouble()).isEqualTo(400.0);
        JsonNode point = root.get("points").get(30);
        for (String field : List.of(
                "time",
                "nonRgbTop1",
                "rgbTop1",
                "teacherNonRgbTop1",
                "routingRate",
                "framesPerSecond",
                "p50Ms",
                "p99Ms",
                "modelVersion")) {
            assertThat(point.has(field)).as(field).isTrue();
        }
        assertThat(point.get("nonRgbTop1").asDouble()).isCloseTo(0.8, within(0.01));
        assertThat(point.get("p99Ms").asDouble()).isCloseTo(19.0, within(1e-6));
        assertThat(root.get("events").get(0).get("kind").asText()).isEqualTo("MODEL_VERSION");
        JsonNode summary = root.get("summary");
        assertThat(summary.get("firstPromotionTime").asDouble()).isEqualTo(60.0);
        assertThat(summary.get("recoverySeconds").asDouble()).isEqualTo(80.0);
        assertThat(summary.get("beatsTeacher").isNull()).isTrue();
        assertThat(summary.get("text").asText()).contains("met").contains("night");
    }

    @Test
    void theChartIsAPngOfTheExpectedSize(@TempDir Path dir) throws Exception {
        report.write(dir);
        Path png = dir.resolve("live-report.png");
        assertThat(Files.size(png)).isPositive();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(LiveChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(LiveChart.HEIGHT);
    }

    @Test
    void theParagraphStatesEachTargetWithItsFigures() {
        String text = report.summaryText();
        assertThat(text)
                .contains("801 annotations from 2 devices")
                .contains("21.2% before it and 80.0% after")
                .contains("after 80 s")
                .contains("4.12% of frames")
                .contains("not judged");
    }
}
