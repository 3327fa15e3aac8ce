package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.model.clip.WordVocabulary;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.student.StudentSpec;
import dev.edgevl.model.teacher.SyntheticTeacher;
import dev.edgevl.model.teacher.TeacherRecipe;
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
    void judgesAnnotationsAgainstTruthAndScoresTheTeacherOnSampledPairs() throws Exception {
        SyntheticTeacher teacher = SyntheticTeacher.untrained(
                new TeacherRecipe(new StudentSpec(IMAGE, 4, List.of(new StudentSpec.Block(8, 2)), 16), 8, 8, 16),
                WordVocabulary.of(Prompts.allPrompts(Shape.defaultMix())),
                3);
        LabelSet labels = LabelEncoder.labelSet(teacher, SHAPES);
        InputSpec spec = InputSpec.of(IMAGE, IMAGE);
        int frames = 12;
        List<SensorFrame> depth = new ArrayList<>();
        for (int seq = 0; seq < frames; seq++) {
            depth.add(depthFrame(seq));
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
                AvroSerdes serdes = AvroSerdes.singleObject()) {
            new TopicInstaller(admin, Optional.empty(), 30_000)
                    .ensure(List.of(Topics.FRAMES_ANNOTATED, Topics.SIM_TRUTH, Topics.FRAMES_PAIRED));
            TeacherBaseline baseline = new TeacherBaseline(
                    teacher, spec, labels, new TeacherBaseline.Options(2, 4, Duration.ofSeconds(600), 64));
            LiveEvent drift = new LiveEvent(Records.at(6), LiveEvent.Kind.DRIFT, "night");
            try (LiveEvaluator evaluator = new LiveEvaluator(
                            kafka.bootstrapServers(),
                            serdes,
                            new LiveEvaluator.Options(
                                    "it",
                                    Duration.ofSeconds(600),
                                    Duration.ofSeconds(1),
                                    1000,
                                    List.of(drift),
                                    LiveSummary.Targets.DEFAULT),
                            baseline);
                    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                            Map.of("bootstrap.servers", kafka.bootstrapServers()),
                            new StringSerializer(),
                            new ByteArraySerializer())) {
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
                }
                producer.flush();
                awaitUntil(() -> evaluator.snapshot().annotations() == frames
                        && baseline.stats().scored() == frames / 2);

                LiveSnapshot now = evaluator.snapshot();
                assertThat(now.window().nonRgbTop1()).isEqualTo(0.5);
                assertThat(now.window().rgbTop1()).isEqualTo(1.0);
                assertThat(now.routingShare()).isEqualTo(1.0 / frames);
                assertThat(now.window().modelVersion()).isEqualTo(2L);
                assertThat(now.matching().evictedAnnotations()).isZero();
                assertThat(now.matching().undecodable()).isZero();

                // The baseline is the teacher's own verdict on every second pair's depth frame.
                int right = 0;
                for (int seq = 0; seq < frames; seq += 2) {
                    float[] embedding =
                            teacher.encodeImages(new float[][] {FramePreprocessor.toInput(depth.get(seq), spec)})[0];
                    right += ZeroShotClassifier.classify(embedding, labels, 1)
                                    .top1()
                                    .label()
                                    .equals(shape(seq))
                            ? 1
                            : 0;
                }
                assertThat(now.teacherNonRgbTop1()).isEqualTo((double) right / (frames / 2));

                LiveReport report = evaluator.report();
                assertThat(report.devices()).isEqualTo(1);
                assertThat(report.events())
                        .extracting(LiveEvent::text)
                        .containsExactlyInAnyOrder("student v1", "student v2", "night");
                assertThat(report.summary().firstPromotionTime()).isEqualTo(Records.at(6));
                assertThat(report.teacherBaseline().scored()).isEqualTo(frames / 2);
            } finally {
                baseline.close();
                teacher.close();
            }
        }
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
