package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.model.bundle.BundleDelivery;
import dev.edgevl.model.bundle.BundleManifest;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.model.bundle.ModelBundle;
import dev.edgevl.model.bundle.ModelVersions;
import dev.edgevl.model.bundle.SignedBundle;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.clip.WordVocabulary;
import dev.edgevl.model.onnx.Calibration;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.onnx.StudentBundles;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.TestStudents;
import dev.edgevl.model.student.StudentSpec;
import dev.edgevl.model.teacher.SyntheticTeacher;
import dev.edgevl.model.teacher.TeacherRecipe;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.model.zeroshot.LabelEncoder;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.Prompts;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.sim.world.Shape;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The evaluator on a real broker: hand-made annotations, truth and pairs in, figures out. */
class LiveEvaluatorIT {
    private static final List<String> SHAPES = List.of("cube", "sphere", "cone");
    private static final int IMAGE = 32;

    @Test
    void judgesAnnotationsAgainstTruthAndScoresTheFrozenV0AndTheTeacherOnTheSamePairs() throws Exception {
        // The teacher's embeddings and the tiny v0's are both 8 values: v0 lives in this teacher's space.
        SyntheticTeacher teacher = SyntheticTeacher.untrained(
                new TeacherRecipe(new StudentSpec(IMAGE, 4, List.of(new StudentSpec.Block(8, 2)), 8), 8, 8, 16),
                WordVocabulary.of(Prompts.allPrompts(Shape.defaultMix())),
                3);
        LabelSet labels = LabelEncoder.labelSet(teacher, SHAPES);
        InputSpec spec = InputSpec.of(IMAGE, IMAGE);
        KeyPair keys = Keys.generate();
        FoldedStudent tiny = Calibration.calibrate(TestStudents.tiny(5), TestStudents.images(8, 16, 6), 8);
        SignedBundle signed = BundleSigner.of(keys)
                .sign(StudentBundles.int8(
                        tiny,
                        BundleManifest.builder()
                                .family("student")
                                .version(0)
                                .createdAt(Records.T0)
                                .teacherId(teacher.id())));
        ModelVersion v0 =
                ModelVersions.toRecord(signed, ModelBundle.parse(signed.bytes()), BundleDelivery.inline(), Records.T0);
        BundleVerifier verifier = new BundleVerifier(TrustedKeys.of(keys.getPublic()));
        int frames = 12;
        List<SensorFrame> depth = new ArrayList<>();
        for (int seq = 0; seq < frames; seq++) {
            depth.add(depthFrame(seq));
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
                AvroSerdes serdes = AvroSerdes.singleObject()) {
            new TopicInstaller(admin, Optional.empty(), 30_000)
                    .ensure(List.of(
                            Topics.FRAMES_ANNOTATED,
                            Topics.SIM_TRUTH,
                            Topics.FRAMES_PAIRED,
                            Topics.LABELS_EMBEDDED,
                            Topics.MODELS));
            LiveEvent drift = new LiveEvent(Records.at(6), LiveEvent.Kind.DRIFT, "night");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                for (String label : SHAPES) {
                    producer.send(new ProducerRecord<>(
                            Topics.LABELS_EMBEDDED.name(),
                            label,
                            serdes.valueSerde(Topics.LABELS_EMBEDDED)
                                    .serializer()
                                    .serialize(
                                            Topics.LABELS_EMBEDDED.name(),
                                            LabelEmbedding.newBuilder()
                                                    .setLabel(label)
                                                    .setTeacherId(teacher.id())
                                                    .setEmbedding(Embeddings.boxed(labels.embedding(label)))
                                                    .setPromptTemplates(List.of("a photo of a {}"))
                                                    .setEmbeddedTime(Records.T0)
                                                    .build())));
                }
                producer.send(new ProducerRecord<>(
                        Topics.MODELS.name(),
                        "student",
                        serdes.valueSerde(Topics.MODELS).serializer().serialize(Topics.MODELS.name(), v0)));
                producer.flush();
            }
            LiveEvaluator.Baselines baselines = new LiveEvaluator.Baselines(
                    teacher,
                    spec,
                    new PairJudge.Options(2, 4, 64, true),
                    verifier,
                    "student",
                    PairJudge.Options.FROZEN);
            try (LiveEvaluator evaluator = new LiveEvaluator(
                            kafka.bootstrapServers(),
                            serdes,
                            new LiveEvaluator.Options(
                                    "it",
                                    Duration.ofSeconds(600),
                                    Duration.ofSeconds(1),
                                    1000,
                                    List.of(drift),
                                    new LiveSummary.Targets(0.02, Duration.ofMinutes(3), 0.05, 0.01, 1),
                                    null),
                            baselines);
                    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                            Map.of("bootstrap.servers", kafka.bootstrapServers()),
                            new StringSerializer(),
                            new ByteArraySerializer())) {
                awaitUntil(() -> evaluator.frozen() != null);
                assertThat(evaluator.frozen())
                        .as("v0 found on models and verified")
                        .isNotNull();
                int teacherSample = 0;
                for (int seq = 0; seq < frames; seq++) {
                    String truthShape = shape(seq);
                    // right for even frames, wrong for odd; v1 from the start, v2 from frame 6
                    String said = seq % 2 == 0 ? truthShape : shape(seq + 1);
                    send(
                            producer,
                            serdes,
                            Topics.FRAMES_ANNOTATED,
                            Records.annotation("cam-0", seq, seq, said, truthShape, seq == 3, seq < 6 ? 1L : 2L));
                    send(producer, serdes, Topics.SIM_TRUTH, Records.truth("cam-0", "depth0", seq, seq, truthShape));
                    send(
                            producer,
                            serdes,
                            Topics.FRAMES_PAIRED,
                            FramePair.newBuilder()
                                    .setDeviceId("cam-0")
                                    .setAux(depth.get(seq))
                                    .setOrigin(PairOrigin.DEVICE)
                                    .build());
                    teacherSample += PairJudge.sampled(new FrameKey("cam-0", "depth0", seq), 2) ? 1 : 0;
                }
                producer.flush();
                int expectedTeacher = teacherSample;
                awaitUntil(() -> evaluator.snapshot().annotations() == frames
                        && evaluator
                                        .report()
                                        .judges()
                                        .get(Scoreboard.Judge.TEACHER)
                                        .scored()
                                == expectedTeacher
                        && evaluator
                                        .report()
                                        .judges()
                                        .get(Scoreboard.Judge.FROZEN)
                                        .scored()
                                == frames);

                LiveSnapshot now = evaluator.snapshot();
                assertThat(now.window().nonRgbTop1()).isEqualTo(0.5);
                assertThat(now.window().rgbTop1()).isEqualTo(1.0);
                assertThat(now.routingShare()).isEqualTo(1.0 / frames);
                assertThat(now.window().modelVersion()).isEqualTo(2L);
                assertThat(now.matching().evictedAnnotations()).isZero();
                assertThat(now.matching().undecodable()).isZero();
                assertThat(now.modalities().get(Modality.DEPTH).adaptive()).isEqualTo(0.5);

                // The teacher's and v0's own verdicts: the teacher on its sample, v0 on every pair's depth frame.
                int teacherRight = 0;
                int frozenRight = 0;
                try (LiveModel model = LiveModel.load(v0, verifier, 1)) {
                    for (int seq = 0; seq < frames; seq++) {
                        float[] frozenEmbedding = PairJudge.Model.student(model)
                                .embed(
                                        new float[][] {FramePreprocessor.toInput(depth.get(seq), model.spec())},
                                        new Modality[] {Modality.DEPTH})[0];
                        frozenRight += top1(frozenEmbedding, labels).equals(shape(seq)) ? 1 : 0;
                        if (PairJudge.sampled(new FrameKey("cam-0", "depth0", seq), 2)) {
                            float[] embedding = teacher.encodeImages(
                                            new float[][] {FramePreprocessor.toInput(depth.get(seq), spec)})[0];
                            teacherRight += top1(embedding, labels).equals(shape(seq)) ? 1 : 0;
                        }
                    }
                }
                assertThat(now.teacherNonRgbTop1()).isEqualTo((double) teacherRight / expectedTeacher);
                assertThat(now.modalities().get(Modality.DEPTH).frozen()).isEqualTo((double) frozenRight / frames);

                LiveReport report = evaluator.report();
                assertThat(report.devices()).isEqualTo(1);
                assertThat(report.events())
                        .extracting(LiveEvent::text)
                        .containsExactlyInAnyOrder("student v1", "student v2", "night");
                assertThat(report.summary().firstPromotionTime()).isEqualTo(Records.at(6));
                assertThat(report.segments()).extracting(Segment::name).containsExactly("start", "night");
                Segment night = report.segments().get(1);
                assertThat(night.versions()).containsExactly(2L);
                assertThat(night.modalities().get(Modality.DEPTH).judged()).isEqualTo(6);
                assertThat(night.modalities().get(Modality.DEPTH).frozenJudged())
                        .isEqualTo(6);
                assertThat(report.pairing().get(Modality.DEPTH)).isEqualTo(new LiveReport.Share(frames, frames));
            } finally {
                teacher.close();
            }
        }
    }

    private static String top1(float[] embedding, LabelSet labels) {
        return ZeroShotClassifier.classify(embedding, labels, 1).top1().label();
    }

    private static String shape(int seq) {
        return SHAPES.get(seq % SHAPES.size());
    }

    private static SensorFrame depthFrame(int seq) {
        Random random = new Random(seq);
        ByteBuffer data = ByteBuffer.allocate(IMAGE * IMAGE * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < IMAGE * IMAGE; i++) {
            data.putShort((short) (500 + random.nextInt(3000)));
        }
        return SensorFrame.newBuilder()
                .setDeviceId("cam-0")
                .setSensorId("depth0")
                .setModality(Modality.DEPTH)
                .setCaptureTime(Records.at(seq))
                .setSequence(seq)
                .setWidth(IMAGE)
                .setHeight(IMAGE)
                .setEncoding(PixelEncoding.DEPTH16_MM)
                .setData(ByteBuffer.wrap(data.array()))
                .setAttributes(Map.of())
                .build();
    }

    private static <V> void send(
            KafkaProducer<String, byte[]> producer, AvroSerdes serdes, Topic<String, V> topic, V value) {
        producer.send(new ProducerRecord<>(
                topic.name(), "cam-0", serdes.valueSerde(topic).serializer().serialize(topic.name(), value)));
    }

    private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
