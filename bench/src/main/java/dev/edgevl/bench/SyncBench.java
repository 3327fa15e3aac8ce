package dev.edgevl.bench;

import dev.edgevl.config.Settings;
import dev.edgevl.device.fleet.FleetOptions;
import dev.edgevl.device.fleet.FleetSimulator;
import dev.edgevl.device.fleet.FleetStats;
import dev.edgevl.device.fleet.KafkaFleetSink;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;

/**
 * Frame-sync throughput on the embedded broker: a simulated fleet's frames are loaded into
 * frames.rgb and frames.aux first, then the sync app (exactly-once) is started and timed until it has
 * forwarded a pair for every non-RGB frame. Loading is not timed; only pairing is.
 */
public final class SyncBench {
    private SyncBench() {}

    public static BenchResult run(int devices, Duration worldTime, Consumer<String> log) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            new TopicInstaller(admin, Optional.empty(), 30_000).ensure(Topics.withDeadLetters());
            Settings settings = Settings.empty();
            Scenario scenario = Scenario.parse("sync-bench", """
                    name: sync-bench
                    seed: 11
                    world: {width: 64, height: 64, sceneDuration: 1s}
                    devices:
                      - count: %d
                        idPrefix: bench-
                        sensors:
                          - {id: rgb0, kind: RGB, fps: 10, jitter: 2ms}
                          - {id: depth0, kind: DEPTH, fps: 10, skew: 4ms, skewSpread: 2ms, jitter: 3ms}
                    """.formatted(devices));
            log.accept("Loading " + devices + " devices x " + worldTime.toSeconds()
                    + " s of frames into the embedded broker...");
            FleetStats loaded;
            try (AvroSerdes serdes = AvroSerdes.singleObject();
                    KafkaFleetSink sink =
                            new KafkaFleetSink(DeviceProducerConfig.from(settings, kafka.bootstrapServers()), serdes)) {
                // The world ends now: capture times (and so record timestamps) never lie in the future.
                loaded = new FleetSimulator(
                                scenario,
                                FleetOptions.asFastAsPossible(Instant.now().minus(worldTime), worldTime),
                                sink)
                        .run();
            }
            long auxFrames = loaded.frames(SensorKind.DEPTH);
            log.accept("Loaded " + loaded.frames() + " frames; pairing them...");

            long start;
            long end;
            long forwarded;
            try (FrameSyncApp app = FrameSyncApp.start(settings, kafka.bootstrapServers())) {
                app.awaitRunning(Duration.ofSeconds(60));
                start = System.nanoTime();
                long deadline = start + Duration.ofMinutes(5).toNanos();
                while (app.stats().forwarded() < auxFrames && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                end = System.nanoTime();
                forwarded = app.stats().forwarded();
            }
            double seconds = (end - start) / 1e9;
            double pairsPerSecond = forwarded / seconds;
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("pairsPerSecond", pairsPerSecond);
            figures.put("pairs", (double) forwarded);
            figures.put("auxFrames", (double) auxFrames);
            figures.put("seconds", seconds);
            String sentence = String.format(
                    "frame sync: %,d pairs in %.1f s = %,.0f pairs/s (%d devices, exactly-once, embedded broker)%s",
                    forwarded,
                    seconds,
                    pairsPerSecond,
                    devices,
                    forwarded < auxFrames ? " -- INCOMPLETE: " + (auxFrames - forwarded) + " frames unpaired" : "");
            return new BenchResult("sync", sentence, figures);
        }
    }
}
