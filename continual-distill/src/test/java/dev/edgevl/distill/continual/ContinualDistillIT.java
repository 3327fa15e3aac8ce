package dev.edgevl.distill.continual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.LabelAction;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.config.Settings;
import dev.edgevl.distill.service.TeacherServiceApp;
import dev.edgevl.distill.teacher.SyntheticTeacher;
import dev.edgevl.distill.teacher.SyntheticTeacherFiles;
import dev.edgevl.distill.teacher.TestTeachers;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.kafka.embedded.UniqueNames;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.DevKeys;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The teacher service and the distiller on a real broker: routed pairs become teacher embeddings, the distiller
 * trains on them and publishes a signed version that a plain consumer of {@code models} sees and verifies; a
 * restarted distiller rebuilds the same buffer from the topic and does not train again on what it has seen.
 */
class ContinualDistillIT {
    private static final int PAIRS = 160;

    private static EmbeddedKafka kafka;
    private final AvroSerdes serdes = AvroSerdes.singleObject();

    @TempDir
    Path stateDir;

    @TempDir
    Path cache;

    @TempDir
    Path store;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.builder().start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            new TopicInstaller(admin, Optional.empty(), 30_000).ensure(Topics.withDeadLetters());
        }
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void routedPairsBecomeASignedVersionThatConsumersOfModelsVerify() throws Exception {
        try (SyntheticTeacher teacher = TestTeachers.tiny(5)) {
            SyntheticTeacherFiles.save(teacher, SyntheticTeacherFiles.directory(cache, "it"));
        }
        Settings settings = Settings.of(Map.of("teacher.application-id", UniqueNames.uniqueName("distill-it-teacher"), "teacher.cache.dir",
                cache.toString(), "teacher.batch.max-wait", "100ms", "kafka.state.dir", stateDir.toString()));
        for (Map.Entry<String, String> e : Map.of("distill.store.dir", store.toString(), "distill.student.input-size", "16",
                "distill.student.stem", "4", "distill.student.blocks", "8/2,16/2", "distill.stage1.epochs", "2", "distill.stage2.steps", "5",
                "distill.batch", "16", "distill.trigger.samples", "100", "distill.trigger.min-samples", "50").entrySet()) {
            settings = settings.with(e.getKey(), e.getValue());
        }
        DevKeys keys = DevKeys.loadOrCreate(store.resolve("keys"));
        BundleSigner signer = keys.signer();

        ModelVersion published;
        int trainingPairs;
        try (TeacherServiceApp teacherService = TeacherServiceApp.start(settings, kafka.bootstrapServers());
             DistillerApp distiller = DistillerApp.start(settings, kafka.bootstrapServers(), signer, RoundListener.NONE)) {
            teacherService.awaitRunning(Duration.ofSeconds(30));
            distiller.awaitCaughtUp(Duration.ofSeconds(30));
            produceLabelsAndRequests();

            List<ModelVersion> models = readModels(1, Duration.ofSeconds(150));
            published = models.get(0);
            assertThat(published.getVersion()).isEqualTo(1);
            assertThat(published.getTeacherId()).isEqualTo(teacherService.teacher().id());
            assertThat(published.getEmbeddingDim()).isEqualTo(TestTeachers.DIM);
            assertThat(new BundleVerifier(keys.trustedKeys()).verify(published).manifest().labelSetHash()).isNotNull();
            assertThat(published.getMetrics()).containsKeys("gate.nonRgbAgreement", "gate.heldOut", "round.seconds");
            System.out.printf("Published v1 after one round of %.1f s; gate non-RGB agreement %.3f on %.0f held-out pairs%n",
                    published.getMetrics().get("round.seconds"), published.getMetrics().get("gate.nonRgbAgreement"),
                    published.getMetrics().get("gate.heldOut"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (distiller.distiller().status().offered() < PAIRS && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(distiller.distiller().status().offered()).as("every pair reached the distiller").isEqualTo(PAIRS);
            trainingPairs = distiller.distiller().status().train();
        }

        int healthPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            healthPort = socket.getLocalPort();
        }
        try (DistillerApp restarted = DistillerApp.start(settings.with("health.port", Integer.toString(healthPort)), kafka.bootstrapServers(),
                signer, RoundListener.NONE)) {
            restarted.awaitCaughtUp(Duration.ofSeconds(30));
            var ready = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + healthPort + "/health/ready")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("ready once the buffer is rebuilt: %s", ready.body()).isEqualTo(200);
            Distiller.Status status = restarted.distiller().status();
            assertThat(status.train()).as("the buffer rebuilt from teacher.embeddings").isEqualTo(trainingPairs);
            assertThat(status.liveVersion()).isEqualTo(1L);
            assertThat(status.newSamples()).as("only the pairs that arrived after v1's round started are new")
                    .isEqualTo(trainingPairs - published.getMetrics().get("train.samples").intValue());
            Thread.sleep(1000);
            assertThat(restarted.distiller().status().rounds()).isZero();
        }
        assertThat(ModelCatalog.in(store).list("student")).extracting(ModelVersion::getVersion).containsExactly(1L);
    }

    private void produceLabelsAndRequests() throws Exception {
        var requests = serdes.valueSerde(Topics.TEACHER_REQUESTS).serializer();
        var events = serdes.valueSerde(Topics.LABELS).serializer();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all",
                "linger.ms", 5), new StringSerializer(), new ByteArraySerializer())) {
            for (String label : TestSamples.LABELS) {
                LabelEvent event = LabelEvent.newBuilder().setLabel(label).setAction(LabelAction.ADD).setEventTime(Instant.now()).build();
                producer.send(new ProducerRecord<>(Topics.LABELS.name(), label, events.serialize(Topics.LABELS.name(), event))).get();
            }
            Thread.sleep(500); // labels first, as a live system has them before its frames
            for (int i = 0; i < PAIRS; i++) {
                String device = "cam-" + (i % 3);
                TeacherRequest request = TeacherRequest.newBuilder().setPair(TestSamples.sample(device, i, i % 4).getPair()).setReasons(List.of())
                        .setRequestTime(Instant.now()).build();
                producer.send(new ProducerRecord<>(Topics.TEACHER_REQUESTS.name(), device, requests.serialize(Topics.TEACHER_REQUESTS.name(), request)));
            }
            producer.flush();
        }
    }

    private List<ModelVersion> readModels(int expected, Duration timeout) {
        Map<String, Object> props = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id",
                UniqueNames.uniqueName("distill-it-models"), "auto.offset.reset", "earliest", "isolation.level", "read_committed",
                "max.partition.fetch.bytes", Topics.MAX_MODEL_MESSAGE_BYTES));
        List<ModelVersion> out = new ArrayList<>();
        try (KafkaConsumer<String, ModelVersion> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                serdes.valueSerde(Topics.MODELS).deserializer())) {
            consumer.subscribe(List.of(Topics.MODELS.name()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, ModelVersion> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
        }
        assertThat(out).as("versions on models").hasSize(expected);
        return out;
    }
}
