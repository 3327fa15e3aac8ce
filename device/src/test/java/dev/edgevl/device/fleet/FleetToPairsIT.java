package dev.edgevl.device.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.config.Settings;
import dev.edgevl.device.sdk.DeviceProducerConfig;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.sim.scenario.Scenario;
import dev.edgevl.sim.scenario.SensorKind;
import dev.edgevl.sync.FrameSyncApp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The ingest path end to end on a real broker: simulated fleet → frames.rgb / frames.aux → frame sync → frames.paired. */
class FleetToPairsIT {
    private static final String SCENARIO = """
            name: fleet-to-pairs
            seed: 5
            world: {width: 32, height: 32, sceneDuration: 1s}
            devices:
              - count: 2
                idPrefix: cam-
                sensors:
                  - {id: rgb0, kind: RGB, fps: 10, jitter: 2ms}
                  - {id: depth0, kind: DEPTH, fps: 10, skew: 4ms, skewSpread: 2ms, jitter: 3ms}
              - ids: [cam-t]
                sensors:
                  - {id: rgb0, kind: RGB, fps: 10, jitter: 2ms}
                  - {id: depth0, kind: DEPTH, fps: 10, skew: 4ms, jitter: 3ms}
                  - {id: thermal0, kind: THERMAL, fps: 9, skew: -6ms, jitter: 3ms}
            drift:
              - {type: sensor-dropout, at: 4s, duration: 2s, sensor: rgb0, devices: [cam-1]}
            """;

    @Test
    void everyNonRgbFrameIsPairedOnceAndEveryPairIsWithinTolerance() throws Exception {
        Duration worldTime = Duration.ofSeconds(10);
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            new TopicInstaller(admin, Optional.empty(), 30_000).ensure(Topics.withDeadLetters());
            // The fleet writes ten seconds of world time as fast as one producer can, so frames.rgb can reach the
            // broker seconds of world time ahead of frames.aux: Kafka Streams would then process one topic ahead of the
            // other and the lagging frames would count as late. Real-time devices never get that far apart; here frame
            // sync is told to wait for the other topic (max.task.idle.ms), and, on a loaded machine, to give a frame
            // longer than the default 2 s of wall clock to meet its partner. This test is about event-time pairing.
            Settings settings = Settings.empty().with("sync.max-wait", "6s").with("kafka.max.task.idle.ms", "1000");
            FleetStats published;
            try (FrameSyncApp sync = FrameSyncApp.start(settings, kafka.bootstrapServers())) {
                sync.awaitRunning(Duration.ofSeconds(60));
                try (AvroSerdes serdes = AvroSerdes.singleObject();
                        KafkaFleetSink sink = new KafkaFleetSink(
                                DeviceProducerConfig.from(settings, kafka.bootstrapServers()), serdes)) {
                    published = new FleetSimulator(
                                    Scenario.parse("fleet-to-pairs.yaml", SCENARIO),
                                    FleetOptions.asFastAsPossible(Instant.now().minus(worldTime), worldTime),
                                    sink)
                            .run();
                }
                long auxFrames = published.frames(SensorKind.DEPTH) + published.frames(SensorKind.THERMAL);
                List<FramePair> pairs = readPairs(kafka.bootstrapServers(), auxFrames);
                assertThat(sync.stats().deadLetters()).isZero();
                assertThat(sync.stats().duplicates()).isZero();

                assertThat(pairs).hasSize((int) auxFrames);
                Set<String> auxSeen = new HashSet<>();
                Map<String, Integer> rgbUse = new HashMap<>();
                int aloneDuringDropout = 0;
                for (FramePair pair : pairs) {
                    SensorFrame aux = pair.getAux();
                    assertThat(auxSeen.add(aux.getDeviceId() + "/" + aux.getSensorId() + "/" + aux.getSequence()))
                            .as("non-RGB frame paired once")
                            .isTrue();
                    if (pair.getRgb() == null) {
                        boolean inDropout = aux.getDeviceId().equals("cam-1");
                        aloneDuringDropout += inDropout ? 1 : 0;
                        continue;
                    }
                    long skew = ChronoUnit.MICROS.between(pair.getRgb().getCaptureTime(), aux.getCaptureTime());
                    assertThat(pair.getSkewMicros()).isEqualTo(skew);
                    // The default tolerance is half the slower sensor's frame period: 50 ms for depth (10 fps like
                    // RGB), whose frames lie a few ms from their RGB frame anyway; 56 ms for thermal (9 fps), give or
                    // take what jitter does to the estimated periods.
                    boolean thermal = aux.getSensorId().equals("thermal0");
                    assertThat(Math.abs(skew))
                            .as("skew within the tolerance")
                            .isLessThanOrEqualTo(thermal ? 60_000 : 20_000);
                    rgbUse.merge(
                            aux.getDeviceId() + "/" + aux.getSensorId() + "/rgb"
                                    + pair.getRgb().getSequence(),
                            1,
                            Integer::sum);
                }
                assertThat(rgbUse.values())
                        .as("an RGB frame is used at most once per non-RGB sensor")
                        .allMatch(n -> n == 1);
                assertThat(aloneDuringDropout)
                        .as("cam-1's depth frames go out alone while its RGB camera is silent")
                        .isGreaterThanOrEqualTo(15);
                // Depth runs at the RGB rate 4 ms behind it: outside the dropout nearly every depth frame has a
                // partner.
                long depth = pairs.stream()
                        .filter(p -> p.getAux().getSensorId().equals("depth0"))
                        .count();
                long depthPaired = pairs.stream()
                        .filter(p -> p.getAux().getSensorId().equals("depth0") && p.getRgb() != null)
                        .count();
                assertThat(depthPaired)
                        .as(() -> "depth frames paired of " + depth + "; frame sync: " + sync.stats())
                        .isGreaterThan((long) (0.95 * (depth - 20)));
                // Thermal runs at 9 fps against RGB's 10, so its offset to the nearest RGB frame sweeps 0-50 ms; the
                // default tolerance (half the thermal period) covers all of it, so nearly every thermal frame pairs
                // (a fixed 20 ms would pair about 40%).
                long thermalPaired = pairs.stream()
                        .filter(p -> p.getAux().getSensorId().equals("thermal0") && p.getRgb() != null)
                        .count();
                assertThat(thermalPaired)
                        .as(() -> "thermal frames paired; frame sync: " + sync.stats())
                        .isGreaterThanOrEqualTo((long) (0.9 * published.frames(SensorKind.THERMAL)));
            }
        }
    }

    private static List<FramePair> readPairs(String bootstrap, long expected) {
        Map<String, Object> props = Map.of(
                "bootstrap.servers",
                bootstrap,
                "group.id",
                "fleet-to-pairs-it",
                "auto.offset.reset",
                "earliest",
                "isolation.level",
                "read_committed");
        java.util.ArrayList<FramePair> pairs = new java.util.ArrayList<>();
        try (KafkaConsumer<String, FramePair> consumer = new KafkaConsumer<>(
                props,
                new StringDeserializer(),
                AvroSerdes.singleObject().valueSerde(Topics.FRAMES_PAIRED).deserializer())) {
            consumer.subscribe(List.of(Topics.FRAMES_PAIRED.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (pairs.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, FramePair> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(record.key()).isEqualTo(record.value().getDeviceId());
                    pairs.add(record.value());
                }
            }
            // A moment more, to catch anything paired twice.
            consumer.poll(Duration.ofSeconds(1)).forEach(r -> pairs.add(r.value()));
        }
        return pairs;
    }
}
