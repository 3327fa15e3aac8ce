package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.AnnotationStatus;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelScore;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.Rollout;
import dev.edgevl.avro.RolloutStage;
import dev.edgevl.avro.RouteReason;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.model.bundle.ModelBundle;
import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.model.onnx.OnnxStudent;
import dev.edgevl.model.onnx.StudentBundles;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.zeroshot.RoutingRules;
import dev.edgevl.model.zeroshot.TokenBucket;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.DeadLetters;
import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AnnotateOperatorTest {
    private static final AvroSerdes SERDES = AvroSerdes.singleObject();
    private final List<OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing>> harnesses = new ArrayList<>();
    private long offset;

    private InferenceConfig config(int batch) {
        return InferenceConfig.defaults().withBatching(batch, Duration.ofMillis(50));
    }

    private OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing> harness(
            InferenceConfig config, OperatorSubtaskState restore) throws Exception {
        return harness(config, restore, null);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private void model(OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing> h, byte[] record) throws Exception {
        ((AnnotateOperator) h.getOperator()).accept(new Control(Control.Kind.MODEL, TestWorld.FAMILY, record, "test"));
    }

    private void label(OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing> h, String name, byte[] record)
            throws Exception {
        ((AnnotateOperator) h.getOperator()).accept(new Control(Control.Kind.LABEL, name, record, "test"));
    }

    private void labels(OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing> h, String... names) throws Exception {
        for (int i = 0; i < names.length; i++) {
            label(h, names[i], TestWorld.label(names[i], i + 1));
        }
    }

    private void frame(OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing> h, String device, long seq)
            throws Exception {
        KafkaBytes r = TestWorld.pairRecord(device, seq, seq % 2 == 0, offset++);
        h.processElement(new StreamRecord<>(r, r.timestamp));
    }

    private static List<Annotation> annotations(OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing> h) {
        return h.extractOutputValues().stream()
                .filter(o -> o.topic.equals(Topics.FRAMES_ANNOTATED.name()))
                .map(o -> SERDES.valueSerde(Topics.FRAMES_ANNOTATED)
                        .deserializer()
                        .deserialize(o.topic, o.value))
                .toList();
    }

    private static List<TeacherRequest> requests(OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing> h) {
        return h.extractOutputValues().stream()
                .filter(o -> o.topic.equals(Topics.TEACHER_REQUESTS.name()))
                .map(o -> SERDES.valueSerde(Topics.TEACHER_REQUESTS)
                        .deserializer()
                        .deserialize(o.topic, o.value))
                .toList();
    }

    private static List<Outgoing> deadLetters(OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing> h) {
        return h.extractOutputValues().stream()
                .filter(o -> o.topic.endsWith(".dlq"))
                .toList();
    }

    @Test
    void aFullBatchIsAnnotatedAtOnceAndNothingWaitsForTheTimer() throws Exception {
        var h = harness(config(4), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere", "torus");
        for (int i = 0; i < 3; i++) {
            frame(h, "dev-a", i);
        }
        assertThat(annotations(h)).isEmpty();
        assertThat(h.getProcessingTimeService().getNumActiveTimers()).isEqualTo(1);

        frame(h, "dev-a", 3);

        List<Annotation> out = annotations(h);
        assertThat(out).extracting(Annotation::getAuxSequence).containsExactly(0L, 1L, 2L, 3L);
        assertThat(out).allSatisfy(a -> {
            assertThat(a.getStatus()).isEqualTo(AnnotationStatus.OK);
            assertThat(a.getModelVersion()).isEqualTo(1L);
            assertThat(a.getEmbedding()).hasSize(TestWorld.DIM);
            assertThat(a.getTopK())
                    .hasSize(3)
                    .extracting(LabelScore::getLabel)
                    .containsExactlyInAnyOrder("cube", "sphere", "torus");
            assertThat(a.getUncertainty()).isNotNull();
            assertThat(a.getInferenceMicros()).isNotNull();
        });
        assertThat(out.get(0).getRgbEmbedding())
                .as("sequence 0 has an RGB frame")
                .hasSize(TestWorld.DIM);
        assertThat(out.get(0).getUncertainty().getModalityDisagreement()).isNotNull();
        assertThat(out.get(1).getRgbEmbedding()).isNull();
        assertThat(h.getProcessingTimeService().getNumActiveTimers())
                .as("the batch timer is cancelled")
                .isZero();
    }

    @Test
    void everyAnnotationCarriesItsDedupeKeyForConsumersOfTheLowLatencyPath() throws Exception {
        var h = harness(config(2), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        frame(h, "dev-a", 7);
        frame(h, "dev-b", 8);

        List<Outgoing> annotations = h.extractOutputValues().stream()
                .filter(o -> o.topic.equals(Topics.FRAMES_ANNOTATED.name()))
                .toList();
        assertThat(annotations).hasSize(2);
        assertThat(annotations.get(0).headers).containsExactly(AnnotateOperator.PAIR_HEADER, "dev-a/depth0/7");
        assertThat(annotations.get(1).headers).containsExactly(AnnotateOperator.PAIR_HEADER, "dev-b/depth0/8");
    }

    @Test
    void thermalFramesRunTheThermalGraphOfAVersionThatHasOneAndDepthFramesTheSharedGraph() throws Exception {
        ModelVersion version = TestWorld.modelWithThermalGraph(1, 1, 5);
        var h = harness(config(2), null);
        model(h, TestWorld.encode(version));
        labels(h, "cube", "sphere");
        FramePair depth = TestWorld.pair("dev-a", 0, false);
        FramePair thermal = TestWorld.asThermal(TestWorld.pair("dev-a", 1, false));
        h.processElement(new StreamRecord<>(TestWorld.pairRecord(depth, offset++), 0));
        h.processElement(new StreamRecord<>(TestWorld.pairRecord(thermal, offset++), 0));

        List<Annotation> out = annotations(h);
        assertThat(out).hasSize(2);
        ModelBundle bundle = ModelBundle.parse(version.getBundle().array());
        InputSpec spec = StudentBundles.inputSpec(bundle.manifest().input());
        try (OnnxStudent shared = new OnnxStudent(bundle.entryFile(), 1);
                OnnxStudent own = new OnnxStudent(bundle.entryFile(Modality.THERMAL), 1)) {
            float[] depthInput = FramePreprocessor.toInput(depth.getAux(), spec);
            float[] thermalInput = FramePreprocessor.toInput(thermal.getAux(), spec);
            assertThat(floats(out.get(0).getEmbedding()))
                    .containsExactly(shared.embed(depthInput, 1)[0], within(1e-5f));
            assertThat(floats(out.get(1).getEmbedding()))
                    .as("the thermal frame went through the thermal graph")
                    .containsExactly(own.embed(thermalInput, 1)[0], within(1e-5f));
            assertThat(floats(out.get(1).getEmbedding())).isNotEqualTo(shared.embed(thermalInput, 1)[0]);
        }
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Test
    void pairsReachedLongerThanShedAfterAfterTheyWerePairedAreShedInOrderAndCounted() throws Exception {
        var h = harness(config(4).withShedAfter(Duration.ofSeconds(2)), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        // Pair n was paired at T0 + 100 n + 20 ms; the job is at T0 + 2.5 s: pairs 0-4 are over 2 s old.
        h.setProcessingTime(TestWorld.T0.toEpochMilli() + 2_500);
        for (int i = 0; i < 8; i++) {
            frame(h, "dev-a", i);
        }
        h.setProcessingTime(TestWorld.T0.toEpochMilli() + 2_600);

        List<Annotation> out = annotations(h);
        assertThat(out)
                .as("one annotation per pair, in order")
                .extracting(Annotation::getAuxSequence)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(out.subList(0, 5)).allSatisfy(a -> {
            assertThat(a.getStatus()).isEqualTo(AnnotationStatus.SHED);
            assertThat(a.getEmbedding()).isEmpty();
            assertThat(a.getModelVersion()).isNull();
            assertThat(a.getRoutedToTeacher()).isFalse();
            // Who and when, read without the pixels: the same as the pair says.
            FramePair sent = TestWorld.pair("dev-a", a.getAuxSequence(), a.getAuxSequence() % 2 == 0);
            assertThat(a.getDeviceId()).isEqualTo("dev-a");
            assertThat(a.getAuxSensorId()).isEqualTo(sent.getAux().getSensorId());
            assertThat(a.getAuxModality()).isEqualTo(sent.getAux().getModality());
            assertThat(a.getCaptureTime()).isEqualTo(sent.getAux().getCaptureTime());
            assertThat(a.getIngestTime()).isEqualTo(sent.getPairedTime().truncatedTo(ChronoUnit.MILLIS));
            assertThat(a.getRgbSequence())
                    .isEqualTo(sent.getRgb() == null ? null : sent.getRgb().getSequence());
        });
        assertThat(out.subList(5, 8)).allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(AnnotationStatus.OK));
        assertThat(h.extractOutputValues())
                .filteredOn(o -> o.topic.equals(Topics.FRAMES_ANNOTATED.name()))
                .allSatisfy(o -> assertThat(o.headers).contains(AnnotateOperator.PAIR_HEADER));
    }

    @Test
    void aPairShedWhileFramesAreBufferedWaitsForTheirBatchAndDoesNotCutItShort() throws Exception {
        var h = harness(config(4).withShedAfter(Duration.ofSeconds(2)), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        // dev-a's pairs 50 and 51 were paired 80 and -20 ms ago; dev-b's 0 and 1 five seconds ago.
        h.setProcessingTime(TestWorld.T0.toEpochMilli() + 5_100);
        frame(h, "dev-a", 50);
        frame(h, "dev-b", 0);
        frame(h, "dev-a", 51);
        frame(h, "dev-b", 1);

        assertThat(annotations(h))
                .as("the sheds wait behind the buffered frames")
                .isEmpty();
        assertThat(((AnnotateOperator) h.getOneInputOperator()).buffered()).isEqualTo(2);

        h.setProcessingTime(
                TestWorld.T0.toEpochMilli() + 5_100 + config(4).batchTimeout().toMillis());

        assertThat(annotations(h))
                .as("in the order they came")
                .extracting(a -> a.getDeviceId() + "#" + a.getAuxSequence() + " " + a.getStatus())
                .containsExactly("dev-a#50 OK", "dev-b#0 SHED", "dev-a#51 OK", "dev-b#1 SHED");
    }

    @Test
    void withoutShedAfterEveryPairIsAnnotatedHoweverLate() throws Exception {
        var h = harness(config(4), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        h.setProcessingTime(TestWorld.T0.toEpochMilli() + 3_600_000);
        for (int i = 0; i < 4; i++) {
            frame(h, "dev-a", i);
        }
        assertThat(annotations(h)).hasSize(4).allSatisfy(a -> assertThat(a.getStatus())
                .isEqualTo(AnnotationStatus.OK));
    }

    @Test
    void aPartialBatchIsAnnotatedWhenItsTimeoutPasses() throws Exception {
        var h = harness(config(32), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        h.setProcessingTime(1_000);
        frame(h, "dev-a", 0);
        h.setProcessingTime(1_030);
        frame(h, "dev-b", 0);
        h.setProcessingTime(1_049);
        assertThat(annotations(h)).isEmpty();

        h.setProcessingTime(1_050);

        assertThat(annotations(h)).extracting(Annotation::getDeviceId).containsExactly("dev-a", "dev-b");
        assertThat(h.getProcessingTimeService().getNumActiveTimers()).isZero();
    }

    @Test
    void aNewVersionSwapsInAtAClearPointAndNoFrameIsLost() throws Exception {
        var h = harness(config(8), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        for (int i = 0; i < 5; i++) {
            frame(h, "dev-a", i);
        }
        model(h, TestWorld.model(2, 2));
        for (int i = 5; i < 8; i++) {
            frame(h, "dev-a", i);
        }
        h.endInput();

        List<Annotation> out = annotations(h);
        assertThat(out).extracting(Annotation::getAuxSequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(out).extracting(Annotation::getModelVersion).containsExactly(1L, 1L, 1L, 1L, 1L, 2L, 2L, 2L);
    }

    /** A canary record of {@code version} whose hash threshold takes exactly the devices named. */
    private static byte[] canary(long version, long seed, RolloutStage stage, String... inCanary) {
        double threshold = 0;
        for (String d : inCanary) {
            threshold = Math.max(threshold, Rollouts.position(d));
        }
        ModelVersion record = ModelVersion.newBuilder(TestWorld.modelVersion(version, seed, TestWorld.PUBLISHER))
                .setRollout(Rollout.newBuilder()
                        .setStage(stage)
                        .setShare(0.5)
                        .setThreshold(Math.nextUp(threshold))
                        .setCanaryDevices(inCanary.length)
                        .setKnownDevices(4)
                        .setStableVersion(1L)
                        .setStartedTime(TestWorld.T0)
                        .build())
                .build();
        return TestWorld.encode(record);
    }

    private void canaryRecord(OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing> h, byte[] record)
            throws Exception {
        ((AnnotateOperator) h.getOperator())
                .accept(new Control(Control.Kind.MODEL, Rollouts.canaryKey(TestWorld.FAMILY), record, "test"));
    }

    @Test
    void aCanaryRunsOnlyOnTheDevicesInItsShareUntilItIsRolledBackAndSurvivesARestore() throws Exception {
        List<String> devices = List.of("dev-0", "dev-1", "dev-2", "dev-3");
        List<String> sorted = devices.stream()
                .sorted(java.util.Comparator.comparingDouble(Rollouts::position))
                .toList();
        String canaryDevice = sorted.get(0); // the lowest hash: the only one under the threshold
        var h = harness(config(32), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        canaryRecord(h, canary(2, 2, RolloutStage.CANARY, canaryDevice));
        long seq = 0;
        for (String d : devices) {
            frame(h, d, seq++);
        }
        h.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState state = h.snapshot(1, 1);
        canaryRecord(h, canary(2, 2, RolloutStage.ROLLED_BACK, canaryDevice));
        for (String d : devices) {
            frame(h, d, seq++);
        }
        h.endInput();

        List<Annotation> out = annotations(h);
        assertThat(out).hasSize(8);
        assertThat(out.subList(0, 4)).allSatisfy(a -> assertThat(a.getModelVersion())
                .as("%s during the canary", a.getDeviceId())
                .isEqualTo(a.getDeviceId().equals(canaryDevice) ? 2L : 1L));
        assertThat(out.subList(4, 8))
                .as("after the rollback every device is on v1")
                .extracting(Annotation::getModelVersion)
                .containsOnly(1L);

        var restored = harness(config(32), state);
        for (String d : devices) {
            frame(restored, d, seq++);
        }
        restored.endInput();
        assertThat(annotations(restored))
                .as("the checkpoint holds the canary too")
                .allSatisfy(a -> assertThat(a.getModelVersion())
                        .isEqualTo(a.getDeviceId().equals(canaryDevice) ? 2L : 1L));
    }

    @Test
    void theCanarysDevicesSendTheTeacherAUniformSampleNotTheFramesTheCanaryIsUnsureOf() throws Exception {
        var h = harness(config(32), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere", "torus");
        canaryRecord(h, canary(2, 2, RolloutStage.CANARY, "dev-1"));
        for (int i = 0; i < 400; i++) {
            frame(h, "dev-1", 2L * i); // even sequences carry an RGB frame: routable
            frame(h, "dev-2", 2L * i);
        }
        h.endInput();

        List<TeacherRequest> sent = requests(h);
        assertThat(sent)
                .filteredOn(r -> r.getPair().getDeviceId().equals("dev-1"))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.getReasons()).containsExactly(RouteReason.EXPLORATION));
        assertThat(sent)
                .filteredOn(r -> r.getPair().getDeviceId().equals("dev-2"))
                .as("the others still send what they are unsure of")
                .anySatisfy(r -> assertThat(r.getReasons()).doesNotContain(RouteReason.EXPLORATION));
    }

    @Test
    void aCanaryThatIsPromotedEndsWhenItsVersionGoesFleetWide() throws Exception {
        var h = harness(config(32), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        canaryRecord(h, canary(2, 2, RolloutStage.CANARY, "dev-0", "dev-1", "dev-2", "dev-3"));
        frame(h, "dev-2", 0);
        model(h, TestWorld.model(2, 2));
        canaryRecord(h, canary(2, 2, RolloutStage.PROMOTED, "dev-0", "dev-1", "dev-2", "dev-3"));
        model(h, TestWorld.model(3, 3)); // a later version: no canary is left to shadow it
        frame(h, "dev-2", 1);
        h.endInput();

        assertThat(annotations(h)).extracting(Annotation::getModelVersion).containsExactly(2L, 3L);
    }

    @Test
    void aTamperedOrForeignSignedModelIsRefusedAndTheLiveOneKept() throws Exception {
        var h = harness(config(1), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        model(h, TestWorld.tamperedModel(2));
        model(h, TestWorld.modelSignedByStranger(3));
        model(h, new byte[] {1, 2, 3});
        frame(h, "dev-a", 0);

        assertThat(annotations(h)).singleElement().satisfies(a -> assertThat(a.getModelVersion())
                .isEqualTo(1L));
    }

    /** A feed that hands the operator what the test queued, in order; caught up from the start. */
    private static final class QueuedFeed implements ControlFeed, ControlFeed.Factory {
        private static final long serialVersionUID = 1L;
        private final transient java.util.Deque<Control> queued = new java.util.ArrayDeque<>();

        void model(String key, byte[] value) {
            queued.add(new Control(Control.Kind.MODEL, key, value, "test"));
        }

        void label(String key, byte[] value) {
            queued.add(new Control(Control.Kind.LABEL, key, value, "test"));
        }

        @Override
        public ControlFeed open(String clientId) {
            return this;
        }

        @Override
        public boolean awaitCaughtUp(Duration timeout) {
            return true;
        }

        @Override
        public List<Control> drain() {
            List<Control> out = new ArrayList<>(queued);
            queued.clear();
            return out;
        }

        @Override
        public void close() {}
    }

    private OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing> harness(
            InferenceConfig config, OperatorSubtaskState restore, QueuedFeed feed) throws Exception {
        AnnotateOperator operator =
                new AnnotateOperator(config.withTrustedKeys(List.of()), Map.of(), List.of(TestWorld.publicPem()), feed);
        var h = new OneInputStreamOperatorTestHarness<KafkaBytes, Outgoing>(operator);
        harnesses.add(h);
        if (restore == null) {
            h.initializeEmptyState();
        } else {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    @Test
    void atStartTheNewestLabelsAndTheNewestModelThatVerifiesApplyBeforeTheFirstFrame() throws Exception {
        QueuedFeed feed = new QueuedFeed();
        feed.model(TestWorld.FAMILY, TestWorld.model(1, 1));
        feed.label("cube", TestWorld.label("cube", 1));
        feed.label("forklift", TestWorld.label("forklift", 9));
        feed.model(TestWorld.FAMILY, TestWorld.model(2, 2));
        feed.model("another-family", TestWorld.model(7, 7));
        feed.label("sphere", TestWorld.label("sphere", 2));
        feed.label("forklift", null);
        feed.model(TestWorld.FAMILY, TestWorld.tamperedModel(3));
        var h = harness(config(1), null, feed);

        frame(h, "dev-a", 0);

        assertThat(annotations(h)).singleElement().satisfies(a -> {
            assertThat(a.getModelVersion())
                    .as("v3 is refused, v2 is the newest that verifies")
                    .isEqualTo(2L);
            assertThat(a.getTopK()).extracting(LabelScore::getLabel).containsExactlyInAnyOrder("cube", "sphere");
        });
    }

    @Test
    void laterRecordsApplyBetweenFramesAndWithoutFramesAtTheNextPoll() throws Exception {
        QueuedFeed feed = new QueuedFeed();
        feed.model(TestWorld.FAMILY, TestWorld.model(1, 1));
        feed.label("cube", TestWorld.label("cube", 1));
        var h = harness(config(1), null, feed);
        frame(h, "dev-a", 0);

        feed.label("sphere", TestWorld.label("sphere", 2));
        frame(h, "dev-a", 1);
        feed.model(TestWorld.FAMILY, TestWorld.model(2, 2));
        h.setProcessingTime(h.getProcessingTime() + 1_000); // no frame: the poll timer applies it
        assertThat(feed.drain()).as("taken by the timer").isEmpty();
        frame(h, "dev-a", 2);

        List<Annotation> out = annotations(h);
        assertThat(out.get(0).getTopK()).extracting(LabelScore::getLabel).containsExactly("cube");
        assertThat(out.get(1).getTopK()).extracting(LabelScore::getLabel).containsExactlyInAnyOrder("cube", "sphere");
        assertThat(out).extracting(Annotation::getModelVersion).containsExactly(1L, 1L, 2L);
    }

    @Test
    void aRestoredInstanceKeepsItsModelWhenTheTopicNoLongerHoldsOneThatVerifies() throws Exception {
        QueuedFeed feed = new QueuedFeed();
        feed.model(TestWorld.FAMILY, TestWorld.model(4, 4));
        feed.label("cube", TestWorld.label("cube", 1));
        var h = harness(config(1), null, feed);
        frame(h, "dev-a", 0);
        OperatorSubtaskState state = h.snapshot(1, 1);

        // Compaction kept only a record that no longer verifies; the checkpointed version stays.
        QueuedFeed after = new QueuedFeed();
        after.model(TestWorld.FAMILY, TestWorld.modelSignedByStranger(5));
        after.label("cube", TestWorld.label("cube", 1));
        var restored = harness(config(1), state, after);
        frame(restored, "dev-a", 1);

        assertThat(annotations(restored)).singleElement().satisfies(a -> {
            assertThat(a.getModelVersion()).isEqualTo(4L);
            assertThat(a.getTopK()).extracting(LabelScore::getLabel).containsExactly("cube");
        });
    }

    @Test
    void aDevicesTeacherBudgetSurvivesARestore() throws Exception {
        // Every frame is uncertain; each frame earns a quarter of a token, a request costs one.
        InferenceConfig c = config(1).withRouting(new RoutingRules(1.0, 1.0, false), new TokenBucket(0.25, 1), 0);
        var h = harness(c, null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        for (int i = 0; i < 6; i += 2) { // three frames with RGB: three quarters saved, nothing sent
            frame(h, "dev-a", i);
        }
        assertThat(requests(h)).isEmpty();
        OperatorSubtaskState state = h.snapshot(1, 1);

        var restored = harness(c, state);
        frame(restored, "dev-a", 6);
        assertThat(requests(restored))
                .as("the fourth quarter completes the restored token")
                .hasSize(1);

        var fresh = harness(c, null);
        model(fresh, TestWorld.model(1, 1));
        labels(fresh, "cube", "sphere");
        frame(fresh, "dev-a", 6);
        assertThat(requests(fresh))
                .as("without the state the device starts empty")
                .isEmpty();
    }

    @Test
    void labelsComeAndGoWithoutARestart() throws Exception {
        var h = harness(config(1), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        frame(h, "dev-a", 0);
        label(h, "forklift", TestWorld.label("forklift", 9));
        frame(h, "dev-a", 1);
        label(h, "cube", null);
        label(h, "sphere", null);
        label(h, "forklift", null);
        frame(h, "dev-a", 2);

        List<Annotation> out = annotations(h);
        assertThat(out.get(0).getTopK()).extracting(LabelScore::getLabel).containsExactlyInAnyOrder("cube", "sphere");
        assertThat(out.get(1).getTopK())
                .extracting(LabelScore::getLabel)
                .containsExactlyInAnyOrder("cube", "sphere", "forklift");
        assertThat(out.get(0).getLabelSetVersion()).isNotEqualTo(out.get(1).getLabelSetVersion());
        assertThat(out.get(2).getStatus()).isEqualTo(AnnotationStatus.NO_LABELS);
        assertThat(out.get(2).getEmbedding()).hasSize(TestWorld.DIM);
        assertThat(out.get(2).getTopK()).isEmpty();
    }

    @Test
    void beforeTheFirstModelFramesAreAnnotatedNoModelAndSentToTheTeacherWithinBudget() throws Exception {
        InferenceConfig c = config(1).withRouting(RoutingRules.DEFAULT, new TokenBucket(0.1, 1), 0);
        var h = harness(c, null);
        for (int i = 0; i < 50; i++) {
            frame(h, "dev-a", i);
        }
        List<Annotation> out = annotations(h);
        assertThat(out).hasSize(50).allSatisfy(a -> {
            assertThat(a.getStatus()).isEqualTo(AnnotationStatus.NO_MODEL);
            assertThat(a.getModelVersion()).isNull();
            assertThat(a.getEmbedding()).isEmpty();
        });
        List<TeacherRequest> sent = requests(h);
        // 50 frames earn 5 tokens; the bucket holds one, and only the pairs with RGB can spend it.
        assertThat(sent).hasSizeBetween(4, 5).allSatisfy(r -> assertThat(r.getReasons())
                .containsExactly(RouteReason.NO_MODEL));
        assertThat(out.stream().filter(Annotation::getRoutedToTeacher)).hasSameSizeAs(sent);
        // Half the pairs have no RGB frame (odd sequence numbers): the teacher embeds RGB only, so none of those is
        // sent.
        assertThat(sent).allSatisfy(r -> assertThat(r.getPair().getRgb()).isNotNull());
        assertThat(out.stream().filter(a -> a.getRgbSequence() == null))
                .isNotEmpty()
                .noneMatch(Annotation::getRoutedToTeacher);
    }

    @Test
    void uncertainFramesLeaveExplorationPicksTheirShareOfTheBudget() throws Exception {
        // Every frame is uncertain and wants the teacher; one in 50 is also an exploration pick, a fifth of the budget.
        InferenceConfig c = config(16).withRouting(new RoutingRules(1.0, 1.0, false), new TokenBucket(0.1, 5), 0.02);
        var h = harness(c, null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere", "torus");
        for (int i = 0; i < 4000; i++) {
            frame(h, "dev-a", i);
        }
        h.endInput();

        RoutingPolicy policy = new RoutingPolicy(c.routing(), c.exploration());
        List<Annotation> picks = annotations(h).stream()
                .filter(a -> a.getRgbSequence() != null
                        && policy.explores(a.getDeviceId(), a.getAuxSensorId(), a.getAuxSequence()))
                .toList();
        long picksSent = picks.stream().filter(Annotation::getRoutedToTeacher).count();
        assertThat(picks).hasSizeGreaterThan(20);
        assertThat((double) picksSent / picks.size())
                .as("exploration picks that found a token, though uncertain frames want every one")
                .isGreaterThan(0.9);
        assertThat(requests(h)).as("the budget is still the budget").hasSizeLessThanOrEqualTo(4000 / 10 + 5);
    }

    @Test
    void eachDeviceHasItsOwnBudgetForUncertainFrames() throws Exception {
        // Every frame counts as uncertain (a margin below 1 always), so only the buckets decide.
        InferenceConfig c = config(16).withRouting(new RoutingRules(1.0, 1.0, false), new TokenBucket(0.05, 2), 0);
        var h = harness(c, null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere", "torus");
        for (int i = 0; i < 200; i++) {
            frame(h, "dev-a", i);
            if (i < 80) {
                frame(h, "dev-b", i);
            }
        }
        h.endInput();

        List<TeacherRequest> sent = requests(h);
        long a = sent.stream()
                .filter(r -> r.getPair().getDeviceId().equals("dev-a"))
                .count();
        long b = sent.stream()
                .filter(r -> r.getPair().getDeviceId().equals("dev-b"))
                .count();
        // Only pairs with an RGB frame (every other one here) can spend a token; an uncertain frame leaves one token in
        // reserve for an exploration pick (none here), and a token earned by the last frames stays unspent.
        assertThat(a).as("5%% of 200, less the reserve").isBetween(8L, 9L);
        assertThat(b).as("5%% of 80, less the reserve").isBetween(2L, 3L);
        assertThat(sent).allSatisfy(r -> {
            assertThat(r.getReasons()).contains(RouteReason.LOW_MARGIN);
            assertThat(r.getModelVersion()).isEqualTo(1L);
            assertThat(r.getStudentTop1()).isNotNull();
        });
        assertThat(((AnnotateOperator) h.getOperator()).budgetedDevices())
                .as("one bucket per device")
                .isEqualTo(2);
    }

    @Test
    void explorationSendsSomeConfidentFramesToo() throws Exception {
        // Nothing is uncertain (no margin is below 0, no entropy above 1); 10% exploration with a roomy budget.
        InferenceConfig c = config(16).withRouting(new RoutingRules(0.0, 1.0, false), new TokenBucket(1.0, 10), 0.1);
        var h = harness(c, null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        for (int i = 0; i < 400; i++) {
            frame(h, "dev-a", i);
        }
        h.endInput();
        List<TeacherRequest> sent = requests(h);
        assertThat(sent.size()).isBetween(20, 65);
        assertThat(sent).allSatisfy(r -> assertThat(r.getReasons()).containsExactly(RouteReason.EXPLORATION));
    }

    @Test
    void badInputGoesToTheDeadLetterTopicWithTheReasonAndTheStreamCarriesOn() throws Exception {
        var h = harness(config(1), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        h.processElement(new StreamRecord<>(new KafkaBytes(
                Topics.FRAMES_PAIRED.name(), 0, 1, 5, TestWorld.bytes("dev-a"), new byte[] {0x13, 0x37, 0, 1})));
        h.processElement(new StreamRecord<>(new KafkaBytes(
                Topics.FRAMES_PAIRED.name(), 0, 2, 5, null, TestWorld.encode(TestWorld.pair("dev-a", 1, true)))));
        var good = TestWorld.pair("dev-a", 2, true);
        var broken = dev.edgevl.avro.FramePair.newBuilder(good)
                .setAux(dev.edgevl.avro.SensorFrame.newBuilder(good.getAux())
                        .setWidth(17)
                        .build())
                .build(); // bytes no longer match
        h.processElement(new StreamRecord<>(new KafkaBytes(
                Topics.FRAMES_PAIRED.name(), 0, 3, 5, TestWorld.bytes("dev-a"), TestWorld.encode(broken))));
        frame(h, "dev-a", 3);

        List<Outgoing> dead = deadLetters(h);
        assertThat(dead).hasSize(3).allSatisfy(o -> assertThat(o.topic).isEqualTo("frames.paired.dlq"));
        assertThat(header(dead.get(0), DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(header(dead.get(1), DeadLetters.ERROR_MESSAGE)).contains("no device id");
        assertThat(header(dead.get(2), DeadLetters.ERROR_MESSAGE)).contains("17");
        assertThat(dead.get(0).value).containsExactly(0x13, 0x37, 0, 1);
        assertThat(annotations(h)).singleElement().satisfies(a -> assertThat(a.getAuxSequence())
                .isEqualTo(3L));
    }

    @Test
    void aCheckpointNeverHoldsBufferedFramesAndARestoreLoadsTheSameModelAndLabels() throws Exception {
        var h = harness(config(32), null);
        model(h, TestWorld.model(1, 1));
        model(h, TestWorld.model(2, 2));
        labels(h, "cube", "sphere", "torus");
        label(h, "torus", null);
        frame(h, "dev-a", 0);
        frame(h, "dev-a", 1);
        h.prepareSnapshotPreBarrier(1);
        assertThat(annotations(h)).as("flushed before the barrier").hasSize(2);
        OperatorSubtaskState state = h.snapshot(1, 1);

        var restored = harness(config(32), state);
        frame(restored, "dev-a", 2);
        restored.endInput();

        assertThat(annotations(restored)).singleElement().satisfies(a -> {
            assertThat(a.getModelVersion()).isEqualTo(2L);
            assertThat(a.getTopK()).extracting(LabelScore::getLabel).containsExactlyInAnyOrder("cube", "sphere");
        });
    }

    @Test
    void unusableLabelRecordsAreLeftOutAndNeverStopTheJob() throws Exception {
        var h = harness(config(1), null);
        labels(h, "cube", "sphere");
        TestWorld.unusableLabels().forEach((name, record) -> uncheck(() -> label(h, name, record)));
        label(h, "garbage", TestWorld.bytes("not a label record"));
        model(h, TestWorld.model(1, 1)); // the first model is when the label set is built: where the job used to fail
        frame(h, "dev-a", 0);
        label(h, "torus", TestWorld.label("torus", 3));
        frame(h, "dev-a", 1);

        List<Annotation> out = annotations(h);
        assertThat(out.get(0).getStatus()).isEqualTo(AnnotationStatus.OK);
        assertThat(out.get(0).getTopK()).extracting(LabelScore::getLabel).containsExactlyInAnyOrder("cube", "sphere");
        assertThat(out.get(1).getTopK())
                .extracting(LabelScore::getLabel)
                .containsExactlyInAnyOrder("cube", "sphere", "torus");
    }

    @Test
    void aRestoreFromACheckpointHoldingUnusableLabelsLeavesThemOut() throws Exception {
        var h = harness(config(32), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        TestWorld.unusableLabels().forEach((name, record) -> uncheck(() -> label(h, name, record)));
        h.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState state = h.snapshot(1, 1);

        var restored = harness(config(32), state);
        frame(restored, "dev-a", 0);
        restored.endInput();

        assertThat(annotations(restored)).singleElement().satisfies(a -> {
            assertThat(a.getModelVersion()).isEqualTo(1L);
            assertThat(a.getTopK()).extracting(LabelScore::getLabel).containsExactlyInAnyOrder("cube", "sphere");
        });
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void uncheck(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void watermarksWaitForTheFramesBufferedBeforeThem() throws Exception {
        var h = harness(config(32), null);
        model(h, TestWorld.model(1, 1));
        labels(h, "cube", "sphere");
        frame(h, "dev-a", 0);
        h.processWatermark(new Watermark(10_000));
        assertThat(h.getOutput()).noneMatch(o -> o instanceof Watermark);

        h.setProcessingTime(1_000);

        List<Object> out = new ArrayList<>(h.getOutput());
        assertThat(out.get(out.size() - 1)).isEqualTo(new Watermark(10_000));
        assertThat(out.subList(0, out.size() - 1)).hasSize(1);
    }

    private static String header(Outgoing o, String name) {
        List<String> h = Arrays.asList(o.headers);
        int i = h.indexOf(name);
        return i < 0 || i % 2 == 1 ? null : h.get(i + 1);
    }
}
