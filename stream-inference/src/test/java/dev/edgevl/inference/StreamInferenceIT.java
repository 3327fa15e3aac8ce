package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.config.Settings;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.kafka.embedded.UniqueNames;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real MiniCluster (two task managers, parallelism 2) against a real broker: frames stream in while a new
 * model version is published and a task manager is killed; every frame must come out annotated exactly once.
 */
class StreamInferenceIT {
    private static final int DEVICES = 6;
    private static final int FRAMES_PER_DEVICE = 120;
    private static final int TOTAL = DEVICES * FRAMES_PER_DEVICE;
    private static EmbeddedKafka kafka;
    private final AvroSerdes serdes = AvroSerdes.singleObject();

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.builder().start();
        TopicInstaller.ensureCatalogue(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyFrameIsAnnotatedExactlyOnceThroughAHotSwapAndATaskManagerFailure() throws Exception {
        String run = UniqueNames.uniqueName("inference-it");
        Settings settings = settings(run, 16, "300ms");
        try (KafkaProducer<byte[], byte[]> producer = producer();
                LocalFlink flink = LocalFlink.start(2, 2);
                KafkaConsumer<byte[], byte[]> consumer = reader("read_committed");
                KafkaConsumer<byte[], byte[]> early = reader("read_uncommitted")) {
            publishModelAndLabels(producer, "cube", "sphere", "torus");
            StreamExecutionEnvironment env = LocalFlink.environment(2, 5, Duration.ofMillis(500));
            StreamInferenceJob.build(env, settings, kafka.bootstrapServers());
            JobID job = flink.submit(env, StreamInferenceJob.NAME);
            flink.awaitRunning(job, Duration.ofSeconds(60));

            // Frames arrive over a few seconds, so the swap and the failure land mid-stream.
            AtomicReference<Exception> producerError = new AtomicReference<>();
            Thread frames = new Thread(() -> {
                try {
                    for (int seq = 0; seq < FRAMES_PER_DEVICE; seq++) {
                        for (int d = 0; d < DEVICES; d++) {
                            String device = "dev-" + d;
                            var pair = TestWorld.pair(device, seq, seq % 3 != 0);
                            producer.send(new ProducerRecord<>(
                                    Topics.FRAMES_PAIRED.name(),
                                    null,
                                    pair.getAux().getCaptureTime().toEpochMilli(),
                                    TestWorld.bytes(device),
                                    TestWorld.encode(pair)));
                        }
                        Thread.sleep(40);
                    }
                    producer.flush();
                } catch (Exception e) {
                    producerError.set(e);
                }
            });
            frames.start();

            List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
            boolean swapped = false;
            boolean failed = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            List<ConsumerRecord<byte[], byte[]>> seenEarly = new ArrayList<>();
            while (ofDevices(seen, "dev-") < TOTAL && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                early.poll(Duration.ZERO).forEach(seenEarly::add);
                int annotated = annotations(seen).size();
                if (!swapped && annotated >= TOTAL / 4) {
                    producer.send(new ProducerRecord<>(
                                    Topics.MODELS.name(), TestWorld.bytes(TestWorld.FAMILY), TestWorld.model(2, 2)))
                            .get();
                    swapped = true;
                }
                if (!failed && annotated >= TOTAL / 2) {
                    flink.cluster().terminateTaskManager(0).get();
                    flink.cluster().startTaskManager();
                    failed = true;
                }
            }
            frames.join();
            assertThat(producerError.get()).isNull();
            // Anything duplicated by the restart would show up shortly after the last distinct frame.
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            while (ofDevices(seenEarly, "dev-") < TOTAL && System.nanoTime() < deadline) {
                early.poll(Duration.ofMillis(200)).forEach(seenEarly::add);
            }
            flink.cancel(job);
            assertThat(failed).as("the task manager was killed mid-stream").isTrue();
            assertThat(ofDevices(seenEarly, "dev-"))
                    .as("the low-latency path (read_uncommitted) saw every frame at least once")
                    .isEqualTo(TOTAL);
            assertThat(seenEarly.stream().filter(r -> r.topic().equals(Topics.FRAMES_ANNOTATED.name())))
                    .as("each record's dedupe key header names its pair")
                    .allSatisfy(r -> assertThat(new String(
                                    r.headers()
                                            .lastHeader(AnnotateOperator.PAIR_HEADER)
                                            .value(),
                                    StandardCharsets.UTF_8))
                            .isEqualTo(id(serdes.valueSerde(Topics.FRAMES_ANNOTATED)
                                    .deserializer()
                                    .deserialize(r.topic(), r.value()))));

            // The frame source reads frames.paired from the start: frames of the other test are annotated too.
            List<Annotation> out = annotations(seen).stream()
                    .filter(a -> a.getDeviceId().startsWith("dev-"))
                    .toList();
            Map<String, Long> perFrame =
                    out.stream().collect(Collectors.groupingBy(StreamInferenceIT::id, Collectors.counting()));
            assertThat(perFrame).as("every frame annotated").hasSize(TOTAL);
            assertThat(perFrame.values()).as("each exactly once").containsOnly(1L);
            assertThat(out).extracting(Annotation::getModelVersion).contains(1L, 2L);
            // Per device, frames arrive in order on one partition: once a device sees version 2 it never goes back.
            Map<String, List<Annotation>> byDevice =
                    out.stream().collect(Collectors.groupingBy(Annotation::getDeviceId));
            byDevice.values().forEach(list -> {
                List<Long> versions = list.stream()
                        .sorted((a, b) -> Long.compare(a.getAuxSequence(), b.getAuxSequence()))
                        .map(Annotation::getModelVersion)
                        .toList();
                assertThat(versions).isSorted();
            });

            List<TeacherRequest> requests = seen.stream()
                    .filter(r -> r.topic().equals(Topics.TEACHER_REQUESTS.name()))
                    .map(r -> serdes.valueSerde(Topics.TEACHER_REQUESTS)
                            .deserializer()
                            .deserialize(r.topic(), r.value()))
                    .filter(r -> r.getPair().getDeviceId().startsWith("dev-"))
                    .toList();
            Map<String, Long> perDevice = requests.stream()
                    .collect(Collectors.groupingBy(r -> r.getPair().getDeviceId(), Collectors.counting()));
            assertThat(perDevice.values())
                    .as("at most 5%% of a device's frames plus the bucket's burst of 5")
                    .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo((long) (0.05 * FRAMES_PER_DEVICE) + 5));
            assertThat(requests.stream()
                            .map(r -> r.getPair().getDeviceId() + "/"
                                    + r.getPair().getAux().getSequence()))
                    .doesNotHaveDuplicates();
            assertThat(out.stream().filter(Annotation::getRoutedToTeacher)).hasSameSizeAs(requests);
        }
    }

    @Test
    void aReadUncommittedConsumerSeesEachAnnotationAtOnceAndAReadCommittedOneOnlyAtTheCommit() throws Exception {
        String run = UniqueNames.uniqueName("inference-early-it");
        Settings settings = settings(run, 4, "10min"); // no checkpoint, so no commit, while the test looks
        String device = UniqueNames.uniqueName("early");
        int frames = 20;
        try (KafkaProducer<byte[], byte[]> producer = producer();
                LocalFlink flink = LocalFlink.start(1, 1);
                KafkaConsumer<byte[], byte[]> committed = reader("read_committed");
                KafkaConsumer<byte[], byte[]> early = reader("read_uncommitted")) {
            publishModelAndLabels(producer, "cube");
            StreamExecutionEnvironment env = LocalFlink.environment(1, 0, Duration.ofMillis(500));
            StreamInferenceJob.build(env, settings, kafka.bootstrapServers());
            JobID job = flink.submit(env, StreamInferenceJob.NAME);
            flink.awaitRunning(job, Duration.ofSeconds(60));
            for (int seq = 0; seq < frames; seq++) {
                var pair = TestWorld.pair(device, seq, true);
                producer.send(new ProducerRecord<>(
                        Topics.FRAMES_PAIRED.name(),
                        null,
                        pair.getAux().getCaptureTime().toEpochMilli(),
                        TestWorld.bytes(device),
                        TestWorld.encode(pair)));
            }
            producer.flush();

            List<ConsumerRecord<byte[], byte[]>> seenEarly = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> seenCommitted = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ofDevices(seenEarly, device) < frames && System.nanoTime() < deadline) {
                early.poll(Duration.ofMillis(200)).forEach(seenEarly::add);
                committed.poll(Duration.ZERO).forEach(seenCommitted::add);
            }
            committed.poll(Duration.ofMillis(500)).forEach(seenCommitted::add);
            flink.cancel(job);
            assertThat(ofDevices(seenEarly, device))
                    .as("every annotation visible read_uncommitted before any checkpoint")
                    .isEqualTo(frames);
            assertThat(ofDevices(seenCommitted, device))
                    .as("none visible read_committed before the checkpoint commits them")
                    .isZero();
        }
    }

    private Settings settings(String run, int batchSize, String checkpointInterval) throws Exception {
        return Settings.of(Map.of(
                "inference.trusted-keys",
                TestWorld.writePublicKey(dir).toString(),
                "inference.batch.size",
                Integer.toString(batchSize),
                "inference.batch.timeout",
                "20ms",
                "inference.checkpoint.interval",
                checkpointInterval,
                "inference.group-id",
                run,
                "inference.transactional-id-prefix",
                run,
                "inference.engine.threads",
                "1"));
    }

    /** Version 1 of the model and the labels, written before the job starts. */
    private static void publishModelAndLabels(KafkaProducer<byte[], byte[]> producer, String... labels)
            throws Exception {
        producer.send(new ProducerRecord<>(
                        Topics.MODELS.name(), TestWorld.bytes(TestWorld.FAMILY), TestWorld.model(1, 1)))
                .get();
        for (String label : labels) {
            producer.send(new ProducerRecord<>(
                            Topics.LABELS_EMBEDDED.name(),
                            TestWorld.bytes(label),
                            TestWorld.label(label, label.hashCode())))
                    .get();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                "bootstrap.servers",
                kafka.bootstrapServers(),
                "key.serializer",
                ByteArraySerializer.class,
                "value.serializer",
                ByteArraySerializer.class,
                "max.request.size",
                8 << 20));
    }

    /** Frames annotated at least once among {@code records}, of the devices whose id starts with {@code prefix}. */
    private long ofDevices(List<ConsumerRecord<byte[], byte[]>> records, String prefix) {
        return annotations(records).stream()
                .filter(a -> a.getDeviceId().startsWith(prefix))
                .map(StreamInferenceIT::id)
                .distinct()
                .count();
    }

    private KafkaConsumer<byte[], byte[]> reader(String isolationLevel) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("group.id", UniqueNames.uniqueName("reader"));
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", isolationLevel);
        props.put("key.deserializer", ByteArrayDeserializer.class);
        props.put("value.deserializer", ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(Topics.FRAMES_ANNOTATED.name(), Topics.TEACHER_REQUESTS.name()));
        return consumer;
    }

    private List<Annotation> annotations(List<ConsumerRecord<byte[], byte[]>> records) {
        var decode = serdes.valueSerde(Topics.FRAMES_ANNOTATED).deserializer();
        return records.stream()
                .filter(r -> r.topic().equals(Topics.FRAMES_ANNOTATED.name()))
                .map(r -> decode.deserialize(r.topic(), r.value()))
                .toList();
    }

    private static String id(Annotation a) {
        return a.getDeviceId() + "/" + a.getAuxSensorId() + "/" + a.getAuxSequence();
    }
}
