package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.DeviceHealth;
import dev.edgevl.avro.LabelAction;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.config.Settings;
import dev.edgevl.device.agent.AgentConfig;
import dev.edgevl.device.agent.AgentFleet;
import dev.edgevl.device.agent.DeviceAgent;
import dev.edgevl.device.agent.KafkaAgentLinks;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.kafka.embedded.UniqueNames;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.DevKeys;
import dev.edgevl.model.teacher.SyntheticTeacher;
import dev.edgevl.model.teacher.SyntheticTeacherFiles;
import dev.edgevl.model.teacher.TestTeachers;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.teacher.service.TeacherServiceApp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * restarted distiller rebuilds the same buffer from the topic and does not train again on what it has seen; a device
 * agent runs the version and refuses a tampered copy of it.
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
        TopicInstaller.ensureCatalogue(kafka.bootstrapServers());
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
        Settings settings = Settings.of(Map.of(
                "teacher.application-id",
                UniqueNames.uniqueName("distill-it-teacher"),
                "teacher.path",
                SyntheticTeacherFiles.directory(cache, "it").toString(),
                "teacher.batch.max-wait",
                "100ms",
                "kafka.state.dir",
                stateDir.toString()));
        for (Map.Entry<String, String> e : Map.of(
                        "distill.store.dir",
                        store.toString(),
                        "distill.student.input-size",
                        "16",
                        "distill.student.stem",
                        "4",
                        "distill.student.blocks",
                        "8/2,16/2",
                        "distill.stage1.epochs",
                        "2",
                        "distill.stage2.steps",
                        "5",
                        "distill.batch",
                        "16",
                        "distill.trigger.samples",
                        "100",
                        "distill.trigger.min-samples",
                        "50")
                .entrySet()) {
            settings = settings.with(e.getKey(), e.getValue());
        }
        DevKeys keys = DevKeys.loadOrCreate(store.resolve("keys"));

        ModelVersion published;
        int trainingPairs;
        try (TeacherServiceApp teacherService = TeacherServiceApp.start(settings, kafka.bootstrapServers());
                DistillerApp distiller =
                        DistillerApp.start(settings, kafka.bootstrapServers(), keys.keyPair(), RoundListener.NONE)) {
            teacherService.awaitRunning(Duration.ofSeconds(30));
            distiller.awaitCaughtUp(Duration.ofSeconds(30));
            produceLabelsAndRequests();

            List<ModelVersion> models = readModels(1, Duration.ofSeconds(150));
            published = models.get(0);
            assertThat(published.getVersion()).isEqualTo(1);
            assertThat(published.getTeacherId())
                    .isEqualTo(teacherService.teacher().id());
            assertThat(published.getEmbeddingDim()).isEqualTo(TestTeachers.DIM);
            assertThat(new BundleVerifier(keys.trustedKeys())
                            .verify(published)
                            .manifest()
                            .labelSetHash())
                    .isNotNull();
            assertThat(published.getMetrics()).containsKeys("gate.nonRgbAgreement", "gate.pairs", "round.seconds");
            System.out.printf(
                    "Published v1 after one round of %.1f s; gate non-RGB agreement %.3f on %.0f pairs%n",
                    published.getMetrics().get("round.seconds"),
                    published.getMetrics().get("gate.nonRgbAgreement"),
                    published.getMetrics().get("gate.pairs"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (distiller.distiller().status().offered() < PAIRS && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(distiller.distiller().status().offered())
                    .as("every pair reached the distiller")
                    .isEqualTo(PAIRS);
            trainingPairs = distiller.distiller().status().train();
        }

        int healthPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            healthPort = socket.getLocalPort();
        }
        try (DistillerApp restarted = DistillerApp.start(
                settings.with("health.port", Integer.toString(healthPort)),
                kafka.bootstrapServers(),
                keys.keyPair(),
                RoundListener.NONE)) {
            restarted.awaitCaughtUp(Duration.ofSeconds(30));
            var ready = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("http://127.0.0.1:" + healthPort + "/health/ready"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode())
                    .as("ready once the buffer is rebuilt: %s", ready.body())
                    .isEqualTo(200);
            Distiller.Status status = restarted.distiller().status();
            assertThat(status.train())
                    .as("the buffer rebuilt from teacher.embeddings")
                    .isEqualTo(trainingPairs);
            assertThat(status.liveVersion()).isEqualTo(1L);
            assertThat(status.newSamples())
                    .as("only the pairs that arrived after v1's round started are new")
                    .isEqualTo(trainingPairs
                            - published.getMetrics().get("train.samples").intValue());
            Thread.sleep(1000);
            assertThat(restarted.distiller().status().rounds()).isZero();
        }
        assertThat(ModelCatalog.in(store).list("student"))
                .extracting(ModelVersion::getVersion)
                .containsExactly(1L);

        // The fleet's side: a device agent runs the published v1, and refuses a tampered copy published as v2.
        AgentConfig agentConfig = new AgentConfig(
                "student", List.of(keys.publicKeyFile()), Duration.ofSeconds(1), 1, 1, Duration.ofMillis(50));
        try (KafkaAgentLinks links =
                        new KafkaAgentLinks(Map.of("bootstrap.servers", kafka.bootstrapServers()), serdes);
                AgentFleet fleet = AgentFleet.start(agentConfig, links.links())) {
            assertThat(links.awaitCaughtUp(Duration.ofSeconds(20))).isTrue();
            DeviceAgent agent = fleet.agent("cam-9");
            awaitThat(() -> agent.modelVersion().equals(Optional.of(1L)), "the agent runs v1");
            assertThat(agent.annotate(
                            TestSamples.sample("cam-9", 5000, 1).getPair().getAux()))
                    .hasValueSatisfying(a -> assertThat(a.modelVersion()).isEqualTo(1L));

            byte[] bytes = new byte[published.getBundle().remaining()];
            published.getBundle().duplicate().get(bytes);
            bytes[bytes.length / 2] ^= 0x5a;
            publishModel(ModelVersion.newBuilder(published)
                    .setVersion(2)
                    .setBundle(java.nio.ByteBuffer.wrap(bytes))
                    .build());
            awaitThat(() -> agent.status().getHealth() == DeviceHealth.DEGRADED, "the agent refuses the tampered v2");
            assertThat(agent.modelVersion()).as("and keeps running v1").contains(1L);
            assertThat(agent.status().getLastError()).contains("v2");
        }
    }

    @Test
    void theDistillerKeepsUnroutedThermalPairsOfFramesPairedFromBeforeItStartedAndAfter() throws Exception {
        Path initial = store.resolve("initial");
        Settings settings = Settings.of(Map.of(
                "distill.store.dir", store.resolve("self").toString(),
                "distill.student.input-size", "16",
                "distill.student.stem", "4",
                "distill.student.blocks", "8/2,16/2",
                "distill.initial-weights", initial.toString(),
                "distill.self-targets.sample-rate", "1"));
        InitialWeights.train(
                        TestSamples.stream("cam-0", 0, 40, i -> i % 4),
                        DistillerConfig.from(settings).round(),
                        1,
                        RoundListener.NONE,
                        Map.of())
                .save(initial);
        AnchorPairs.save(TestSamples.stream("cam-9", 5000, 5040, i -> i % 4), initial); // depth anchors
        DevKeys keys = DevKeys.loadOrCreate(store.resolve("self-keys"));

        producePairs(0, 20); // five minutes back is far enough: these are read too
        try (DistillerApp distiller =
                DistillerApp.start(settings, kafka.bootstrapServers(), keys.keyPair(), RoundListener.NONE)) {
            distiller.awaitCaughtUp(Duration.ofSeconds(30));
            producePairs(20, 50);
            awaitThat(
                    () -> distiller.distiller().status().selfTargetPairs() == 50,
                    "the 50 thermal pairs are kept, the depth pairs not (anchors cover depth)");
            Thread.sleep(500);
            assertThat(distiller.distiller().status().selfTargetPairs()).isEqualTo(50);
            assertThat(distiller.undecodable()).isZero();
        }
    }

    /** Thermal pairs {@code from}..{@code to}-1 of cam-4 and as many depth pairs of cam-5 on frames.paired. */
    private void producePairs(int from, int to) throws Exception {
        var pairs = serdes.valueSerde(Topics.FRAMES_PAIRED).serializer();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                for (var pair : List.of(
                        TestSamples.thermal(TestSamples.sample("cam-4", i, i % 4))
                                .getPair(),
                        TestSamples.sample("cam-5", i, i % 4).getPair())) {
                    producer.send(new ProducerRecord<>(
                            Topics.FRAMES_PAIRED.name(),
                            pair.getDeviceId(),
                            pairs.serialize(Topics.FRAMES_PAIRED.name(), pair)));
                }
            }
            producer.flush();
        }
    }

    private void publishModel(ModelVersion record) throws Exception {
        try (KafkaProducer<String, ModelVersion> producer = new KafkaProducer<>(
                Map.of(
                        "bootstrap.servers",
                        kafka.bootstrapServers(),
                        "max.request.size",
                        Topics.MAX_MODEL_MESSAGE_BYTES),
                new StringSerializer(),
                serdes.valueSerde(Topics.MODELS).serializer())) {
            producer.send(new ProducerRecord<>(Topics.MODELS.name(), record.getFamily(), record))
                    .get();
        }
    }

    private static void awaitThat(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    private void produceLabelsAndRequests() throws Exception {
        var requests = serdes.valueSerde(Topics.TEACHER_REQUESTS).serializer();
        var events = serdes.valueSerde(Topics.LABELS).serializer();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all", "linger.ms", 5),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (String label : TestSamples.LABELS) {
                LabelEvent event = LabelEvent.newBuilder()
                        .setLabel(label)
                        .setAction(LabelAction.ADD)
                        .setEventTime(Instant.now())
                        .build();
                producer.send(new ProducerRecord<>(
                                Topics.LABELS.name(), label, events.serialize(Topics.LABELS.name(), event)))
                        .get();
            }
            Thread.sleep(500); // labels first, as a live system has them before its frames
            for (int i = 0; i < PAIRS; i++) {
                String device = "cam-" + (i % 3);
                TeacherRequest request = TeacherRequest.newBuilder()
                        .setPair(TestSamples.sample(device, i, i % 4).getPair())
                        .setReasons(List.of())
                        .setRequestTime(Instant.now())
                        .build();
                producer.send(new ProducerRecord<>(
                        Topics.TEACHER_REQUESTS.name(),
                        device,
                        requests.serialize(Topics.TEACHER_REQUESTS.name(), request)));
            }
            producer.flush();
        }
    }

    private List<ModelVersion> readModels(int expected, Duration timeout) {
        Map<String, Object> props = new HashMap<>(Map.of(
                "bootstrap.servers",
                kafka.bootstrapServers(),
                "group.id",
                UniqueNames.uniqueName("distill-it-models"),
                "auto.offset.reset",
                "earliest",
                "isolation.level",
                "read_committed",
                "max.partition.fetch.bytes",
                Topics.MAX_MODEL_MESSAGE_BYTES));
        List<ModelVersion> out = new ArrayList<>();
        try (KafkaConsumer<String, ModelVersion> consumer = new KafkaConsumer<>(
                props,
                new StringDeserializer(),
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
