package dev.edgevl.teacher.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.LabelAction;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.config.Settings;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.kafka.embedded.UniqueNames;
import dev.edgevl.model.teacher.SyntheticTeacher;
import dev.edgevl.model.teacher.SyntheticTeacherFiles;
import dev.edgevl.model.teacher.TestTeachers;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.DeadLetters;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.teacher.requests.TestRequests;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The teacher service on a real broker with exactly-once, its teacher loaded from a cache directory as in
 * production: requests come out as embeddings a read_committed consumer sees once each, labels as embeddings
 * and tombstones, and what cannot be used as dead letters.
 */
class TeacherServiceIT {
    private static final int REQUESTS = 7;

    private static EmbeddedKafka kafka;
    private final AvroSerdes serdes = AvroSerdes.singleObject();

    @TempDir
    Path stateDir;

    @TempDir
    Path cache;

    @BeforeAll
    static void startKafka() {
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
    void requestsAndLabelsAreEmbeddedExactlyOnceAndTheUnusableAreDeadLettered() throws Exception {
        try (SyntheticTeacher teacher = TestTeachers.tiny(5)) {
            SyntheticTeacherFiles.save(teacher, SyntheticTeacherFiles.directory(cache, "it"));
        }
        int healthPort = freePort();
        Settings settings = Settings.of(Map.of(
                "teacher.application-id",
                UniqueNames.uniqueName("teacher-it"),
                "teacher.path",
                SyntheticTeacherFiles.directory(cache, "it").toString(),
                "teacher.batch.size",
                "3",
                "teacher.batch.max-wait",
                "100ms",
                "teacher.log-interval",
                "2s",
                "kafka.state.dir",
                stateDir.toString(),
                "health.port",
                Integer.toString(healthPort)));

        try (TeacherServiceApp app = TeacherServiceApp.start(settings, kafka.bootstrapServers())) {
            app.awaitRunning(Duration.ofSeconds(30));
            assertThat(httpStatus(healthPort, "/health/ready"))
                    .as("ready once running")
                    .isEqualTo(200);
            assertThat(httpStatus(healthPort, "/health/live")).isEqualTo(200);
            produce();

            List<ConsumerRecord<String, TeacherEmbedding>> embeddings = readCommitted(
                    Topics.TEACHER_EMBEDDINGS.name(),
                    serdes.valueSerde(Topics.TEACHER_EMBEDDINGS).deserializer(),
                    REQUESTS);
            assertThat(embeddings)
                    .extracting(r -> r.value().getPair().getRgb().getSequence())
                    .as("each request once")
                    .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(embeddings).allSatisfy(r -> {
                assertThat(r.key()).isEqualTo(r.value().getPair().getDeviceId());
                assertThat(r.value().getTeacherId()).isEqualTo("synthetic-clip-untrained@5");
                assertThat(r.value().getEmbedding()).hasSize(TestTeachers.DIM);
            });

            List<ConsumerRecord<String, LabelEmbedding>> labels = readCommitted(
                    Topics.LABELS_EMBEDDED.name(),
                    serdes.valueSerde(Topics.LABELS_EMBEDDED).deserializer(),
                    3);
            assertThat(labels).extracting(ConsumerRecord::key).containsExactly("forklift", "cube", "cube");
            assertThat(labels.get(2).value()).as("REMOVE is a tombstone").isNull();

            List<ConsumerRecord<String, byte[]>> dead =
                    readCommitted(Topics.TEACHER_REQUESTS.deadLetter().name(), new ByteArrayDeserializer(), 2);
            assertThat(dead)
                    .extracting(r -> DeadLetters.header(r.headers(), DeadLetters.ERROR_MESSAGE)
                            .orElseThrow())
                    .anySatisfy(m -> assertThat(m).contains("no RGB frame"))
                    .anySatisfy(m -> assertThat(m).contains("Cannot decode"));
            assertThat(app.stats().embedded()).isEqualTo(REQUESTS);
        }
    }

    @Test
    void withDefaultsTheServiceRunsTheCommittedTeacherWhateverTheCacheHolds() throws Exception {
        // Another teacher pretrained into the default cache (what an evaluation of another seed leaves behind).
        try (SyntheticTeacher other = TestTeachers.tiny(4242)) {
            SyntheticTeacherFiles.save(other, SyntheticTeacherFiles.directory(cache, "newer"));
        }
        Settings settings = Settings.of(Map.of(
                "teacher.application-id",
                UniqueNames.uniqueName("teacher-default-it"),
                "teacher.cache.dir",
                cache.toString(),
                "kafka.state.dir",
                stateDir.resolve("default").toString()));

        try (TeacherServiceApp app = TeacherServiceApp.start(settings, kafka.bootstrapServers())) {
            app.awaitRunning(Duration.ofSeconds(30));
            assertThat(app.teacher().id())
                    .isEqualTo(dev.edgevl.model.teacher.CommittedTeacher.find()
                            .orElseThrow()
                            .id());
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int httpStatus(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private void produce() throws Exception {
        var requests = serdes.valueSerde(Topics.TEACHER_REQUESTS).serializer();
        var events = serdes.valueSerde(Topics.LABELS).serializer();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < REQUESTS; i++) {
                TeacherRequest request = TestRequests.withRgb("cam-" + (i % 3), i);
                producer.send(new ProducerRecord<>(
                                Topics.TEACHER_REQUESTS.name(),
                                "cam-" + (i % 3),
                                requests.serialize(Topics.TEACHER_REQUESTS.name(), request)))
                        .get();
            }
            producer.send(new ProducerRecord<>(
                            Topics.TEACHER_REQUESTS.name(),
                            "cam-0",
                            requests.serialize(Topics.TEACHER_REQUESTS.name(), TestRequests.withoutRgb("cam-0", 99))))
                    .get();
            producer.send(new ProducerRecord<>(
                            Topics.TEACHER_REQUESTS.name(), "cam-1", "garbage".getBytes(StandardCharsets.UTF_8)))
                    .get();
            for (LabelEvent event : List.of(
                    event("forklift", LabelAction.ADD),
                    event("cube", LabelAction.ADD),
                    event("cube", LabelAction.REMOVE))) {
                producer.send(new ProducerRecord<>(
                                Topics.LABELS.name(), event.getLabel(), events.serialize(Topics.LABELS.name(), event)))
                        .get();
            }
        }
    }

    private static LabelEvent event(String label, LabelAction action) {
        return LabelEvent.newBuilder()
                .setLabel(label)
                .setAction(action)
                .setEventTime(Instant.now())
                .build();
    }

    private static <V> List<ConsumerRecord<String, V>> readCommitted(
            String topic, Deserializer<V> values, int expected) {
        Map<String, Object> props = new HashMap<>(Map.of(
                "bootstrap.servers",
                kafka.bootstrapServers(),
                "group.id",
                UniqueNames.uniqueName("teacher-it-reader"),
                "auto.offset.reset",
                "earliest",
                "isolation.level",
                "read_committed"));
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // A moment more, so a duplicate would show.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertThat(records.size()).as("records of %s", topic).isEqualTo(expected);
        return records;
    }
}
