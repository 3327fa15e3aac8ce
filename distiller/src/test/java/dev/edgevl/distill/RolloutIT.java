package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.RolloutStage;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.config.Settings;
import dev.edgevl.device.agent.AgentConfig;
import dev.edgevl.device.agent.AgentFleet;
import dev.edgevl.device.agent.DeviceAgent;
import dev.edgevl.device.agent.KafkaAgentLinks;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.kafka.embedded.UniqueNames;
import dev.edgevl.model.bundle.DevKeys;
import dev.edgevl.model.bundle.DirectoryModelStore;
import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staged rollout on a real broker: four device agents run v1; v2 (trained on shuffled teacher embeddings) is
 * promoted by hand as a canary; only the canary's device runs it; the running distiller judges it on the pairs that
 * device routes, finds it worse than v1 and rolls it back, with a record that says why; the canary's device goes back
 * to v1 and the other devices never leave it.
 */
class RolloutIT {
    private static final List<String> DEVICES = List.of("cam-1", "cam-2", "cam-3", "cam-4");
    private static final String CANARY_DEVICE = "cam-1"; // the lowest hash of the four: a share of 0.25 takes it alone

    private static EmbeddedKafka kafka;
    private final AvroSerdes serdes = AvroSerdes.singleObject();

    @TempDir
    Path dir;

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
    void canaryDevicesRunTheNewVersionFirstABadOneIsRolledBackAndTheFleetNeverLeavesItsVersion() throws Exception {
        Path store = dir.resolve("store");
        DevKeys keys = DevKeys.loadOrCreate(store.resolve("keys"));
        Map<String, String> tiny = DistillerTest.learnsFast(Map.of(
                "distill.gate.margin", "0.9", // let the sabotaged v2 through the gate: the canary must catch it
                "distill.initial-weights", "none"));
        DistillerConfig config = DistillerTest.tinyConfig(store, tiny);

        // v1 learns honest pairs, v2 shuffled ones; both are made and catalogued before the fleet starts.
        List<ModelVersion> made = new CopyOnWriteArrayList<>();
        try (Distiller maker = new Distiller(
                config,
                new DirectoryModelStore(store),
                keys.keyPair(),
                made::add,
                Clock.systemUTC(),
                RoundListener.NONE)) {
            for (int c = 0; c < TestSamples.LABELS.size(); c++) {
                maker.onLabel(TestSamples.LABELS.get(c), TestSamples.label(c));
            }
            TestSamples.stream("cam-0", 0, 200, i -> i % 4).forEach(maker::onTeacherEmbedding);
            assertThat(maker.maybeStartRound()).isTrue();
            maker.awaitRound(Duration.ofMinutes(3));
            maker.onModel(config.family(), made.get(made.size() - 1));
            DistillerTest.feedShuffled(maker, "cam-0", 1000, 1240);
            assertThat(maker.maybeStartRound()).isTrue();
            maker.awaitRound(Duration.ofMinutes(3));
        }
        assertThat(ModelCatalog.in(store).list(config.family()))
                .extracting(ModelVersion::getVersion)
                .containsExactly(1L, 2L);

        Settings settings = Settings.of(Map.of("distill.store.dir", store.toString()));
        for (Map.Entry<String, String> e : Map.of(
                        "distill.student.input-size", "16",
                        "distill.student.stem", "4",
                        "distill.student.blocks", "8/2,16/2",
                        "distill.trigger.samples", "100000",
                        "distill.trigger.min-samples", "100000",
                        "distill.rollout.watch", "2s",
                        "distill.rollout.min-pairs", "60",
                        "distill.backstop.interval", "0s")
                .entrySet()) {
            settings = settings.with(e.getKey(), e.getValue());
        }
        Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
        AgentConfig agentConfig = new AgentConfig(
                "student", List.of(keys.publicKeyFile()), Duration.ofMillis(500), 1, 1, Duration.ofMillis(50));
        try (KafkaModelPublisher publisher = new KafkaModelPublisher(client, serdes);
                KafkaAgentLinks links = new KafkaAgentLinks(client, serdes);
                AgentFleet fleet = AgentFleet.start(agentConfig, links.links());
                DistillerApp distiller =
                        DistillerApp.start(settings, kafka.bootstrapServers(), keys.keyPair(), RoundListener.NONE)) {
            Republisher republisher =
                    new Republisher(ModelCatalog.in(store), new DirectoryModelStore(store), publisher);
            produceLabels();
            republisher.republish("student", 1, true, Instant.now());
            assertThat(links.awaitCaughtUp(Duration.ofSeconds(20))).isTrue();
            distiller.awaitCaughtUp(Duration.ofSeconds(30));
            List<DeviceAgent> agents = DEVICES.stream().map(fleet::agent).toList();
            for (DeviceAgent a : agents) {
                awaitThat(() -> a.modelVersion().equals(Optional.of(1L)), a.deviceId() + " runs v1");
            }
            awaitThat(
                    () -> Long.valueOf(1).equals(distiller.distiller().status().liveVersion()),
                    "the distiller sees v1");

            ModelVersion canary = republisher.canary("student", 2, true, Instant.now(), DEVICES, 0.25, 1);
            assertThat(canary.getRollout().getCanaryDevices()).isEqualTo(1);
            DeviceAgent inCanary = fleet.agent(CANARY_DEVICE);
            awaitThat(() -> inCanary.modelVersion().equals(Optional.of(2L)), "the canary's device runs v2");
            awaitThat(
                    () -> distiller.distiller().canaryVersion().equals(Optional.of(2L)),
                    "the distiller watches the canary");
            for (DeviceAgent a : agents) {
                if (a != inCanary) {
                    assertThat(a.modelVersion()).as(a.deviceId()).contains(1L);
                }
            }

            // The canary's device routes honest pairs (and another device some too, which the canary is not judged on).
            produceEmbeddings(CANARY_DEVICE, 5000, 5120);
            produceEmbeddings("cam-3", 6000, 6040);

            ModelVersion back = awaitRecord(
                    Rollouts.canaryKey("student"),
                    r -> r.getRollout() != null && r.getRollout().getStage() != RolloutStage.CANARY);
            assertThat(back.getVersion()).isEqualTo(2);
            assertThat(back.getRollout().getStage()).isEqualTo(RolloutStage.ROLLED_BACK);
            assertThat(back.getRollout().getReason()).startsWith("worse than the fleet-wide version");
            assertThat(back.getMetrics().get("rollout.pairs")).isEqualTo(120.0);
            assertThat(back.getMetrics().get("rollout.canaryAgreement"))
                    .isLessThan(back.getMetrics().get("rollout.fleetAgreement"));
            awaitThat(() -> inCanary.modelVersion().equals(Optional.of(1L)), "the canary's device is back on v1");
            assertThat(distiller.distiller().canaryVersion()).isEmpty();
            assertThat(distiller.distiller().status().liveVersion()).isEqualTo(1L);
        }

        Map<String, List<Long>> ran = statusVersions();
        assertThat(ran.get(CANARY_DEVICE)).contains(1L, 2L);
        for (String device : DEVICES) {
            if (!device.equals(CANARY_DEVICE)) {
                assertThat(ran.get(device))
                        .as("%s never left v1", device)
                        .isNotEmpty()
                        .containsOnly(1L);
            }
        }
        assertThat(drain(Topics.MODELS.name(), serdes.valueSerde(Topics.MODELS).deserializer()))
                .as("v2 never went out under the fleet-wide key")
                .filteredOn(r -> r.key().equals("student"))
                .extracting(r -> r.value().getVersion())
                .containsOnly(1L);
    }

    private void produceLabels() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            var serializer = serdes.valueSerde(Topics.LABELS_EMBEDDED).serializer();
            for (int c = 0; c < TestSamples.LABELS.size(); c++) {
                String label = TestSamples.LABELS.get(c);
                producer.send(new ProducerRecord<>(
                                Topics.LABELS_EMBEDDED.name(),
                                label,
                                serializer.serialize(Topics.LABELS_EMBEDDED.name(), TestSamples.label(c))))
                        .get();
            }
        }
    }

    private void produceEmbeddings(String device, int from, int to) throws Exception {
        var serializer = serdes.valueSerde(Topics.TEACHER_EMBEDDINGS).serializer();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            Instant now = Instant.now();
            for (TeacherEmbedding e : TestSamples.stream(device, from, to, i -> i % 4)) {
                TeacherEmbedding routed = TeacherEmbedding.newBuilder(e)
                        .setRequestTime(now)
                        .setEmbeddedTime(now)
                        .build();
                producer.send(new ProducerRecord<>(
                        Topics.TEACHER_EMBEDDINGS.name(),
                        device,
                        serializer.serialize(Topics.TEACHER_EMBEDDINGS.name(), routed)));
            }
            producer.flush();
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    /** Everything on {@code topic} so far, in order per partition (read until five polls in a row bring nothing). */
    private <V> List<ConsumerRecord<String, V>> drain(
            String topic, org.apache.kafka.common.serialization.Deserializer<V> values) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = consumer(topic, values)) {
            for (int empty = 0; empty < 5; ) {
                var polled = consumer.poll(Duration.ofMillis(300));
                empty = polled.isEmpty() ? empty + 1 : 0;
                polled.forEach(out::add);
            }
        }
        return out;
    }

    private ModelVersion awaitRecord(String key, java.util.function.Predicate<ModelVersion> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        try (KafkaConsumer<String, ModelVersion> consumer =
                consumer(Topics.MODELS.name(), serdes.valueSerde(Topics.MODELS).deserializer())) {
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, ModelVersion> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key()) && wanted.test(r.value())) {
                        return r.value();
                    }
                }
            }
        }
        throw new AssertionError("no record keyed " + key + " as wanted on " + Topics.MODELS.name() + " in 90 s");
    }

    private Map<String, List<Long>> statusVersions() {
        Map<String, List<Long>> out = new HashMap<>();
        for (ConsumerRecord<String, DeviceStatus> r : drain(
                Topics.FLEET_STATUS.name(),
                serdes.valueSerde(Topics.FLEET_STATUS).deserializer())) {
            if (r.value().getModelVersion() != null) {
                out.computeIfAbsent(r.key(), k -> new ArrayList<>())
                        .add(r.value().getModelVersion());
            }
        }
        return out;
    }

    private <V> KafkaConsumer<String, V> consumer(
            String topic, org.apache.kafka.common.serialization.Deserializer<V> values) {
        Map<String, Object> props = new HashMap<>(Map.of(
                "bootstrap.servers",
                kafka.bootstrapServers(),
                "group.id",
                UniqueNames.uniqueName("rollout-it"),
                "auto.offset.reset",
                "earliest",
                "max.partition.fetch.bytes",
                Topics.MAX_MODEL_MESSAGE_BYTES));
        KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static void awaitThat(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
