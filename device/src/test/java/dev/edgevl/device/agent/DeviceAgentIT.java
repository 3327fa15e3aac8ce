package dev.edgevl.device.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.DeviceHealth;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.config.Settings;
import dev.edgevl.device.fleet.FleetOptions;
import dev.edgevl.device.fleet.FleetSimulator;
import dev.edgevl.device.fleet.KafkaFleetSink;
import dev.edgevl.device.sdk.DeviceProducerConfig;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.sim.scenario.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device agents on a real broker: a simulated fleet whose devices run agents, while signed versions are published on
 * {@code models} — a good one, a tampered one, a good one — and every device's {@code fleet.status} is watched.
 */
class DeviceAgentIT {
    private static final List<String> DEVICES = List.of("cam-0", "cam-1", "cam-2");
    private static final String SCENARIO = """
            name: agents-it
            seed: 11
            world: {width: 32, height: 32, sceneDuration: 1s}
            devices:
              - count: 3
                idPrefix: cam-
                sensors:
                  - {id: rgb0, kind: RGB, fps: 10, jitter: 2ms}
                  - {id: depth0, kind: DEPTH, fps: 10, skew: 4ms, jitter: 3ms}
            """;

    @TempDir
    Path dir;

    @Test
    void devicesRunTheSignedVersionsRefuseATamperedOneAndSayWhatTheyRun() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            new TopicInstaller(admin, Optional.empty(), 30_000)
                    .ensure(List.of(
                            Topics.MODELS,
                            Topics.LABELS_EMBEDDED,
                            Topics.FLEET_STATUS,
                            Topics.FRAMES_RGB,
                            Topics.FRAMES_AUX,
                            Topics.SIM_TRUTH));
            Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
            AgentConfig config = new AgentConfig(
                    SignedStudents.FAMILY,
                    List.of(SignedStudents.writePublicKey(dir, SignedStudents.PUBLISHER, "publisher")),
                    Duration.ofSeconds(1),
                    1,
                    1,
                    Duration.ofMillis(50));
            AvroSerdes serdes = AvroSerdes.singleObject();
            try (Producer<String, ModelVersion> models = new KafkaProducer<>(
                            client,
                            new StringSerializer(),
                            serdes.valueSerde(Topics.MODELS).serializer());
                    Producer<String, LabelEmbedding> labels = new KafkaProducer<>(
                            client,
                            new StringSerializer(),
                            serdes.valueSerde(Topics.LABELS_EMBEDDED).serializer());
                    FleetStatusReader status = new FleetStatusReader(kafka.bootstrapServers(), serdes)) {
                for (String label : List.of("cube", "sphere", "torus")) {
                    labels.send(new ProducerRecord<>(
                            Topics.LABELS_EMBEDDED.name(), label, SignedStudents.labelRecord(label, label.hashCode())));
                }
                labels.flush();
                publish(models, SignedStudents.version(1)); // already there when the devices start

                FleetSimulator simulator;
                CompletableFuture<Void> run;
                try (KafkaAgentLinks links = new KafkaAgentLinks(client, serdes);
                        KafkaFleetSink sink = new KafkaFleetSink(
                                DeviceProducerConfig.from(Settings.empty(), kafka.bootstrapServers()), serdes)) {
                    assertThat(links.awaitCaughtUp(Duration.ofSeconds(20)))
                            .as("the feed read the control topics")
                            .isTrue();
                    simulator = new FleetSimulator(
                            Scenario.parse("agents-it.yaml", SCENARIO),
                            new FleetOptions(Instant.now(), 1.0, null).withAgents(config),
                            sink,
                            links.links());
                    run = CompletableFuture.runAsync(() -> {
                        try {
                            simulator.run();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });

                    status.await(
                            "every device runs v1 and annotates",
                            s -> s.getHealth() == DeviceHealth.OK
                                    && Long.valueOf(1).equals(s.getModelVersion())
                                    && s.getFramesAnnotated() > 0
                                    && s.getLastSwapTime() != null);

                    publish(models, SignedStudents.tampered(2));
                    Map<String, DeviceStatus> refused = status.await(
                            "every device refuses the tampered v2 and keeps v1",
                            s -> s.getHealth() == DeviceHealth.DEGRADED);
                    assertThat(refused.values()).allSatisfy(s -> {
                        assertThat(s.getModelVersion()).isEqualTo(1L);
                        assertThat(s.getLastError())
                                .isEqualTo(
                                        "Refused student v2: its bytes do not match their SHA-256 (damaged or tampered with); keeps v1.");
                    });

                    ModelVersion good = SignedStudents.version(2);
                    publish(models, good);
                    Map<String, DeviceStatus> swapped = status.await(
                            "every device runs the good v2",
                            s -> s.getHealth() == DeviceHealth.OK
                                    && Long.valueOf(2).equals(s.getModelVersion()));
                    assertThat(swapped.values())
                            .allSatisfy(s -> assertThat(s.getLastError()).isNull());
                    assertThat(newestOnModels(kafka.bootstrapServers(), serdes))
                            .as("what any consumer of models sees as live")
                            .isEqualTo(good);

                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (DEVICES.stream().anyMatch(d -> !annotatedBy(simulator, d, 2))
                            && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    simulator.stop();
                    run.get();
                }
                for (String device : DEVICES) {
                    DeviceAgent agent =
                            simulator.agents().orElseThrow().find(device).orElseThrow();
                    assertThat(agent.lastAnnotation()).as(device).hasValueSatisfying(a -> {
                        assertThat(a.modelVersion()).isEqualTo(2L);
                        assertThat(a.label()).isIn("cube", "sphere", "torus");
                    });
                    assertThat(agent.counters().swaps()).isEqualTo(2);
                    assertThat(agent.counters().refusals()).isEqualTo(1);
                    assertThat(agent.counters().failed()).isZero();
                }
            }
        }
    }

    private static void publish(Producer<String, ModelVersion> models, ModelVersion record) throws Exception {
        models.send(new ProducerRecord<>(Topics.MODELS.name(), record.getFamily(), record))
                .get();
    }

    private static boolean annotatedBy(FleetSimulator simulator, String device, long version) {
        return simulator
                .agents()
                .flatMap(a -> a.find(device))
                .flatMap(DeviceAgent::lastAnnotation)
                .map(a -> a.modelVersion() == version)
                .orElse(false);
    }

    /** The newest record of the family, as a plain consumer of models reading from the beginning sees it. */
    private static ModelVersion newestOnModels(String bootstrap, AvroSerdes serdes) {
        try (KafkaConsumer<String, ModelVersion> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap),
                new StringDeserializer(),
                serdes.valueSerde(Topics.MODELS).deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODELS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            ModelVersion newest = null;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, ModelVersion> r : consumer.poll(Duration.ofMillis(200))) {
                    if (SignedStudents.FAMILY.equals(r.key())) {
                        newest = r.value();
                    }
                }
            }
            return newest;
        }
    }

    /** Reads fleet.status from the beginning and keeps each device's newest report. */
    private static final class FleetStatusReader implements AutoCloseable {
        private final KafkaConsumer<String, DeviceStatus> consumer;
        private final Map<String, DeviceStatus> latest = new TreeMap<>();

        FleetStatusReader(String bootstrap, AvroSerdes serdes) {
            consumer = new KafkaConsumer<>(
                    Map.of("bootstrap.servers", bootstrap),
                    new StringDeserializer(),
                    serdes.valueSerde(Topics.FLEET_STATUS).deserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.FLEET_STATUS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Polls until every device's newest report matches; returns those reports. */
        Map<String, DeviceStatus> await(String what, Predicate<DeviceStatus> condition) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                for (ConsumerRecord<String, DeviceStatus> r : consumer.poll(Duration.ofMillis(100))) {
                    assertThat(r.key()).isEqualTo(r.value().getDeviceId());
                    latest.put(r.key(), r.value());
                }
                if (DEVICES.stream().allMatch(d -> latest.containsKey(d) && condition.test(latest.get(d)))) {
                    return Map.copyOf(latest);
                }
                assertThat(System.nanoTime())
                        .as("waiting until %s; latest reports: %s", what, latest)
                        .isLessThan(deadline);
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
