package dev.edgevl.device.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.sim.scenario.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FleetSimulatorTest {
    private static final Instant EPOCH = Instant.parse("2026-11-26T08:00:00Z");

    /** Collects what the fleet publishes. */
    static final class Collected implements FleetSimulator.Sink {
        final List<SensorFrame> frames = new ArrayList<>();
        final List<FrameTruth> truths = new ArrayList<>();

        @Override
        public void publish(SensorFrame frame, FrameTruth truth) {
            frames.add(frame);
            truths.add(truth);
        }
    }

    private static final String SMALL = """
            name: small
            seed: 7
            world: {width: 32, height: 32, sceneDuration: 1s}
            devices:
              - count: 2
                idPrefix: cam-
                sensors:
                  - {id: rgb0, kind: RGB, fps: 10, jitter: 2ms}
                  - {id: depth0, kind: DEPTH, fps: 10, skew: 5ms, jitter: 3ms}
                  - {id: thermal0, kind: THERMAL, fps: 5, skew: -8ms}
            drift:
              - {type: sensor-dropout, at: 2s, duration: 1s, sensor: rgb0, devices: [cam-1]}
              - {type: night, at: 3s, lightLevel: 0.05}
            """;

    private static Collected run(Scenario scenario, Duration duration) throws InterruptedException {
        Collected sink = new Collected();
        new FleetSimulator(scenario, FleetOptions.asFastAsPossible(EPOCH, duration), sink).run();
        return sink;
    }

    @Test
    void everySensorPublishesAtItsRateWithItsOwnClock() throws Exception {
        Collected out = run(Scenario.parse("small.yaml", SMALL), Duration.ofSeconds(4));
        Map<String, Long> perSensor = out.frames.stream()
                .collect(Collectors.groupingBy(f -> f.getDeviceId() + "/" + f.getSensorId(), Collectors.counting()));
        assertThat(perSensor.get("cam-0/rgb0")).isBetween(39L, 41L);
        assertThat(perSensor.get("cam-0/depth0")).isBetween(39L, 41L);
        assertThat(perSensor.get("cam-0/thermal0")).isBetween(19L, 21L);
        // cam-1's RGB camera is silent for one second of the four.
        assertThat(perSensor.get("cam-1/rgb0")).isBetween(29L, 31L);

        for (int i = 0; i < out.frames.size(); i++) {
            SensorFrame frame = out.frames.get(i);
            FrameTruth truth = out.truths.get(i);
            assertThat(truth.getDeviceId()).isEqualTo(frame.getDeviceId());
            assertThat(truth.getSequence()).isEqualTo(frame.getSequence());
            long clockErrorMicros = ChronoUnit.MICROS.between(truth.getTrueTime(), frame.getCaptureTime());
            long expected =
                    switch (frame.getSensorId()) {
                        case "depth0" -> 5_000;
                        case "thermal0" -> -8_000;
                        default -> 0;
                    };
            assertThat(clockErrorMicros)
                    .as("%s clock error", frame.getSensorId())
                    .isEqualTo(expected);
            assertThat(frame.getData().remaining()).isEqualTo(32 * 32 * (frame.getModality() == Modality.RGB ? 3 : 2));
        }
    }

    @Test
    void framesFromOneSceneShareItsTruthAndDriftIsRecorded() throws Exception {
        Collected out = run(Scenario.parse("small.yaml", SMALL), Duration.ofSeconds(4));
        assertThat(out.truths)
                .filteredOn(t -> t.getTrueTime().isBefore(EPOCH.plusMillis(1_900)))
                .allMatch(t -> t.getConditions().isEmpty());
        assertThat(out.truths)
                .filteredOn(t -> t.getTrueTime().isAfter(EPOCH.plusMillis(3_100)))
                .isNotEmpty()
                .allMatch(t -> t.getConditions().contains("night"));
        Map<Long, List<String>> captionsByScene = out.truths.stream()
                .collect(Collectors.groupingBy(
                        FrameTruth::getSceneId, Collectors.mapping(FrameTruth::getCaption, Collectors.toList())));
        captionsByScene.values().forEach(captions -> assertThat(captions).containsOnly(captions.get(0)));
        assertThat(out.truths).allMatch(t -> t.getObjects().get(0).getPrimary());
    }

    @Test
    void theSameScenarioGivesTheSameBytes() throws Exception {
        Scenario scenario = Scenario.parse("small.yaml", SMALL);
        Collected a = run(scenario, Duration.ofSeconds(1));
        Collected b = run(scenario, Duration.ofSeconds(1));
        assertThat(a.frames).isEqualTo(b.frames);
    }

    @Test
    void pacedRunsFollowTheWallClock() throws Exception {
        Collected sink = new Collected();
        FleetSimulator simulator = new FleetSimulator(
                Scenario.parse("small.yaml", SMALL),
                new FleetOptions(Instant.now(), 10.0, Duration.ofSeconds(2)),
                sink);
        long start = System.nanoTime();
        simulator.run();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMs).as("2 s of world time at 10x").isGreaterThanOrEqualTo(180);
        assertThat(simulator.stats().frames()).isEqualTo(sink.frames.size());
    }

    @Test
    void pacedFramesLeaveAtTheirCaptureTimeEvenWhenTheStartWasSlow() throws Exception {
        List<Long> latenessMs = new ArrayList<>();
        FleetSimulator simulator = new FleetSimulator(
                Scenario.parse("small.yaml", SMALL),
                // the world started 2 s ago: as if loading the live model on the devices had taken that long
                new FleetOptions(Instant.now().minusSeconds(2), 1.0, Duration.ofSeconds(3)),
                (frame, truth) -> latenessMs.add(
                        Duration.between(frame.getCaptureTime(), Instant.now()).toMillis()));
        simulator.run();
        List<Long> sorted = latenessMs.stream().sorted().toList();
        assertThat(sorted.get(sorted.size() / 2))
                .as("median publish time minus capture time, ms")
                .isLessThan(1000);
    }
}
