package dev.edgevl.device.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.DeviceHealth;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.device.fleet.FleetOptions;
import dev.edgevl.device.fleet.FleetSimulator;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.sim.scenario.Scenario;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agents of a process sharing one feed and one status sink, without a broker; and the fleet simulator running them. */
class AgentFleetTest {
    @TempDir
    Path dir;

    private final ControlHub hub = new ControlHub(AvroSerdes.singleObject());
    private final List<DeviceStatus> reports = new CopyOnWriteArrayList<>();

    private AgentConfig config() throws Exception {
        return new AgentConfig(
                SignedStudents.FAMILY,
                List.of(SignedStudents.writePublicKey(dir, SignedStudents.PUBLISHER, "publisher")),
                Duration.ofMillis(100),
                1,
                1,
                Duration.ofMillis(50));
    }

    private void publish(long version) {
        hub.apply(new ControlHub.Encoded(
                Topics.MODELS.name(),
                SignedStudents.FAMILY,
                SignedStudents.encode(SignedStudents.version(version)),
                "models-0@" + version));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private DeviceStatus latest(String device) {
        DeviceStatus last = null;
        for (DeviceStatus s : reports) {
            if (s.getDeviceId().equals(device)) {
                last = s;
            }
        }
        return last;
    }

    @Test
    void devicesReportStartingThenTheLiveVersionAndKeepReporting() throws Exception {
        List<String> devices = List.of("cam-0", "cam-1", "cam-2");
        try (AgentFleet fleet = new AgentFleet(
                config(),
                TrustedKeys.of(SignedStudents.PUBLISHER.getPublic()),
                new AgentLinks(hub, reports::add),
                Clock.systemUTC())) {
            devices.forEach(fleet::agent);
            assertThat(reports).extracting(DeviceStatus::getDeviceId).containsExactlyInAnyOrderElementsOf(devices);
            assertThat(reports).extracting(DeviceStatus::getHealth).containsOnly(DeviceHealth.STARTING);

            publish(1);
            hub.caughtUp();

            await("every device on v1", () -> devices.stream()
                    .allMatch(d -> latest(d) != null
                            && Long.valueOf(1).equals(latest(d).getModelVersion())));
            int before = reports.size();
            await("periodic reports", () -> reports.size() >= before + 2 * devices.size());
            assertThat(fleet.summary()).contains("agents 3", "OK=3", "v1=3");

            publish(2);
            await("every device on v2", () -> devices.stream()
                    .allMatch(d -> Long.valueOf(2).equals(latest(d).getModelVersion())));
            assertThat(devices)
                    .allSatisfy(d -> assertThat(latest(d).getHealth()).isEqualTo(DeviceHealth.OK));
            assertThat(fleet.agent("cam-0").counters().swaps()).isEqualTo(2);
        }
    }

    @Test
    void theFleetSimulatorRunsItsDevicesWithAgents() throws Exception {
        Scenario scenario = Scenario.parse("agents.yaml", """
                name: agents
                seed: 3
                world: {width: 32, height: 32, sceneDuration: 1s}
                devices:
                  - count: 2
                    idPrefix: cam-
                    sensors:
                      - {id: rgb0, kind: RGB, fps: 10, jitter: 2ms}
                      - {id: depth0, kind: DEPTH, fps: 10, skew: 4ms, jitter: 3ms}
                """);
        publish(1);
        hub.apply(new ControlHub.Encoded(
                Topics.LABELS_EMBEDDED.name(),
                "cube",
                SignedStudents.encode(SignedStudents.labelRecord("cube", 1)),
                "l"));
        hub.apply(new ControlHub.Encoded(
                Topics.LABELS_EMBEDDED.name(),
                "torus",
                SignedStudents.encode(SignedStudents.labelRecord("torus", 2)),
                "l"));
        hub.caughtUp();
        Map<String, AtomicLong> depthFrames = new ConcurrentHashMap<>();
        FleetSimulator.Sink sink = (SensorFrame frame, dev.edgevl.avro.FrameTruth truth) -> {
            if (frame.getModality() == Modality.DEPTH) {
                depthFrames
                        .computeIfAbsent(frame.getDeviceId(), d -> new AtomicLong())
                        .incrementAndGet();
            }
        };
        FleetOptions options = new FleetOptions(Instant.now(), 5.0, Duration.ofSeconds(5)).withAgents(config());

        FleetSimulator simulator = new FleetSimulator(scenario, options, sink, new AgentLinks(hub, reports::add));
        simulator.run();

        AgentFleet agents = simulator.agents().orElseThrow();
        assertThat(agents.agents()).extracting(DeviceAgent::deviceId).containsExactly("cam-0", "cam-1");
        for (DeviceAgent agent : agents.agents()) {
            DeviceAgent.Counters c = agent.counters();
            assertThat(c.annotated())
                    .as("%s booted with the live model and annotated every depth frame", agent.deviceId())
                    .isEqualTo(depthFrames.get(agent.deviceId()).get());
            assertThat(c.withoutModel()).isZero();
            // The partner is the latest RGB frame already taken: a depth frame taken just before its RGB frame goes
            // alone.
            assertThat(c.withRgb()).isPositive().isLessThanOrEqualTo(c.annotated());
            assertThat(agent.lastAnnotation().orElseThrow().label()).isIn("cube", "torus");
            DeviceStatus last = latest(agent.deviceId());
            assertThat(last.getHealth()).isEqualTo(DeviceHealth.OK);
            assertThat(last.getModelVersion()).isEqualTo(1L);
            assertThat(last.getFramesAnnotated())
                    .as("the last report, at the end of the run, counts every frame")
                    .isEqualTo(c.annotated());
        }
    }
}
