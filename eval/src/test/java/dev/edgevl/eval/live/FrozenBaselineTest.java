package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.model.zeroshot.LabelSet;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The three figures per modality through the tally, with a scripted frozen judge: a depth device and a thermal device,
 * one pair a second each for 400 s; v1 replaces v0 at 100 s; the depth cameras change at 200 s. Depth adapts (better
 * than frozen, and back after the change while frozen stays down); thermal after the change falls below frozen.
 */
class FrozenBaselineTest {
    private static final LabelSet LABELS = LabelSet.of(Map.of("cube", new float[] {1, 0}, "cone", new float[] {0, 1}));

    /** Is the fleet right on this frame? */
    private static boolean adaptiveRight(Modality m, long seq) {
        boolean depth = m == Modality.DEPTH;
        if (seq < 100) {
            return seq % 10 < (depth ? 5 : 2);
        }
        if (seq < 200) {
            return seq % 10 < (depth ? 8 : 6);
        }
        if (depth) {
            return seq < 250 ? seq % 10 < 4 : seq % 10 < 8; // a dip, then back by 250 s
        }
        return seq % 10 < 1;
    }

    /** Is the frozen v0 right on this frame? Depth 50% then 30% after the change; thermal 20%; RGB 70%. */
    private static boolean frozenRight(Modality m, long seq) {
        return switch (m) {
            case DEPTH -> seq % 10 < (seq < 200 ? 5 : 3);
            case THERMAL -> seq % 10 < 2;
            default -> seq % 10 < 7;
        };
    }

    /** A model whose "embedding" of a frame is the right or wrong label as the script says. */
    private static final PairJudge.Model SCRIPTED = new PairJudge.Model() {
        @Override
        public float[] input(SensorFrame frame) {
            return new float[] {frame.getModality().ordinal(), frame.getSequence()};
        }

        @Override
        public float[][] embed(float[][] inputs, Modality[] modalities) {
            float[][] out = new float[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                boolean right = frozenRight(Modality.values()[(int) inputs[i][0]], (long) inputs[i][1]);
                out[i] = right ? new float[] {1, 0} : new float[] {0, 1};
            }
            return out;
        }
    };

    private static LiveReport run(Instant from) {
        List<LiveEvent> events =
                List.of(new LiveEvent(Records.at(200), LiveEvent.Kind.DRIFT, "depth-sensor-change on dev-d"));
        LiveTally tally = new LiveTally(new LiveEvaluator.Options(
                "scripted",
                Duration.ofSeconds(20),
                Duration.ofSeconds(5),
                1000,
                events,
                new LiveSummary.Targets(0.02, Duration.ofMinutes(3), 0.05, 0.01, 10),
                from));
        Scoreboard board = tally.board();
        tally.addJudge(new PairJudge(
                Scoreboard.Judge.FROZEN, SCRIPTED, () -> LABELS, PairJudge.Options.FROZEN.direct(), board));
        for (long seq = 0; seq < 400; seq++) {
            boolean rgb = seq % 4 != 3;
            for (Modality m : List.of(Modality.DEPTH, Modality.THERMAL)) {
                String device = m == Modality.DEPTH ? "dev-d" : "dev-t";
                String sensor = m == Modality.DEPTH ? "depth0" : "thermal0";
                long version = seq < 100 ? 0 : 1;
                boolean right = adaptiveRight(m, seq);
                Annotation a = Annotation.newBuilder(Records.annotation(
                                device,
                                seq,
                                seq,
                                right ? "cube" : "cone",
                                rgb ? (right ? "cube" : "cone") : null,
                                false,
                                version))
                        .setAuxSensorId(sensor)
                        .setAuxModality(m)
                        .build();
                tally.onPair(FramePair.newBuilder()
                        .setDeviceId(device)
                        .setAux(frame(device, sensor, m, seq))
                        .setRgb(rgb ? frame(device, "rgb0", Modality.RGB, seq) : null)
                        .setOrigin(PairOrigin.FRAME_SYNC)
                        .build());
                tally.onAnnotation(a);
                tally.onTruth(Records.truth(device, sensor, seq, seq, "cube"));
            }
        }
        return tally.report();
    }

    private static SensorFrame frame(String device, String sensor, Modality m, long seq) {
        return SensorFrame.newBuilder()
                .setDeviceId(device)
                .setSensorId(sensor)
                .setModality(m)
                .setCaptureTime(Records.at(seq))
                .setSequence(seq)
                .setWidth(1)
                .setHeight(1)
                .setEncoding(PixelEncoding.DEPTH16_MM)
                .setData(ByteBuffer.wrap(new byte[2]))
                .setAttributes(Map.of())
                .build();
    }

    @Test
    void everySegmentHasTheThreeFiguresPerModalityOnTheSamePairs() {
        LiveReport report = run(null);
        assertThat(report.segments()).extracting(Segment::name).containsExactly("start", "depth-sensor-change");
        Segment start = report.segments().get(0);
        assertThat(start.versions()).containsExactly(0L, 1L);
        Segment.Figures depth = start.modalities().get(Modality.DEPTH);
        assertThat(depth.judged()).isEqualTo(200);
        assertThat(depth.frozenJudged()).as("the frozen v0 judged every pair").isEqualTo(200);
        assertThat(depth.adaptive()).isCloseTo(0.65, within(1e-9));
        assertThat(depth.frozen()).isCloseTo(0.5, within(1e-9));
        assertThat(depth.teacher()).as("no teacher judge in this run").isNull();
        Segment.Figures rgb = start.modalities().get(Modality.RGB);
        assertThat(rgb.judged())
                .as("three pairs in four carry RGB, from both devices")
                .isEqualTo(300);
        long rgbRight = java.util.stream.LongStream.range(0, 200)
                .filter(seq -> seq % 4 != 3 && frozenRight(Modality.RGB, seq))
                .count();
        assertThat(rgb.frozen()).isCloseTo(2.0 * rgbRight / 300, within(1e-9));

        Segment change = report.segments().get(1);
        assertThat(change.versions()).containsExactly(1L);
        assertThat(change.modalities().get(Modality.DEPTH).frozen()).isCloseTo(0.3, within(1e-9));
        assertThat(change.modalities().get(Modality.THERMAL).adaptive()).isCloseTo(0.1, within(1e-9));
        assertThat(report.pairing().get(Modality.THERMAL)).isEqualTo(new LiveReport.Share(100, 400));
    }

    @Test
    void theSummaryJudgesEachModalityAgainstFrozen() {
        LiveReport report = run(null);
        ModalityJudgement depth = report.modalities().get(0);
        assertThat(depth.modality()).isEqualTo(Modality.DEPTH);
        assertThat(depth.neverWorseThanFrozen()).isTrue();
        assertThat(depth.gainOverFrozen()).isCloseTo(0.5, within(1e-9));
        ModalityJudgement.Recovery recovery = depth.recoveries().get(0);
        assertThat(recovery.drift()).isEqualTo("depth-sensor-change");
        assertThat(recovery.adaptiveBefore()).isCloseTo(0.8, within(1e-9));
        assertThat(recovery.adaptiveSeconds())
                .as("the first whole window after 250 s")
                .isEqualTo(70.0);
        assertThat(recovery.frozenSeconds()).as("frozen stays down").isNull();

        ModalityJudgement thermal = report.modalities().get(1);
        assertThat(thermal.neverWorseThanFrozen()).isFalse();
        assertThat(thermal.worstSegment()).isEqualTo("depth-sensor-change");
        assertThat(thermal.worstGap()).isCloseTo(-0.1, within(1e-9));
        assertThat(report.summaryText())
                .contains("DEPTH: adaptive 80.0% vs frozen v0 30.0%")
                .contains("THERMAL")
                .contains("NOT met (depth-sensor-change: -10.0 points, standard error");
        assertThat(report.segmentTable()).contains("depth-sensor-change").contains(" 65.0  50.0");
        assertThat(report.firstLabelledAnnotation()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aRestartedRunReportsOnlyItsOwnStreamTime() {
        LiveReport report = run(Records.at(100));
        assertThat(report.start()).isEqualTo(Records.at(100));
        assertThat(report.beforeStart())
                .as("annotations, truths and pairs of the first 100 s")
                .isEqualTo(3 * 200);
        assertThat(report.segments().get(0).versions()).containsExactly(1L);
        assertThat(report.segments().get(0).modalities().get(Modality.DEPTH).judged())
                .isEqualTo(100);
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(299));
    }

    @Test
    void theScoreboardCutsBySecondsOfCaptureTime() {
        Scoreboard board = new Scoreboard();
        board.add(Scoreboard.Judge.FROZEN, Modality.DEPTH, Records.at(1.2), true);
        board.add(Scoreboard.Judge.FROZEN, Modality.DEPTH, Records.at(1.9), false);
        board.add(Scoreboard.Judge.FROZEN, Modality.DEPTH, Records.at(3), true);
        assertThat(board.rate(Scoreboard.Judge.FROZEN, Modality.DEPTH, Records.at(1), Records.at(2)))
                .isEqualTo(new Scoreboard.Rate(1, 2));
        assertThat(board.rate(Scoreboard.Judge.FROZEN, Modality.DEPTH, null, null))
                .isEqualTo(new Scoreboard.Rate(2, 3));
        assertThat(board.rate(Scoreboard.Judge.ADAPTIVE, Modality.DEPTH, null, null)
                        .value())
                .isNull();
        assertThat(PairJudge.sampled(new FrameKey("d", "s", 7), 4))
                .as("a fixed sample")
                .isEqualTo(PairJudge.sampled(new FrameKey("d", "s", 7), 4));
        long inSample = java.util.stream.LongStream.range(0, 4000)
                .filter(i -> PairJudge.sampled(new FrameKey("d", "s", i), 4))
                .count();
        assertThat(inSample).isBetween(900L, 1100L);
    }
}
