package dev.edgevl.cli;

import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.device.agent.AgentConfig;
import dev.edgevl.device.agent.KafkaAgentLinks;
import dev.edgevl.device.fleet.FleetOptions;
import dev.edgevl.device.fleet.FleetSimulator;
import dev.edgevl.device.fleet.FleetStats;
import dev.edgevl.device.fleet.KafkaFleetSink;
import dev.edgevl.device.sdk.DeviceProducerConfig;
import dev.edgevl.health.Health;
import dev.edgevl.health.HealthServer;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.sim.scenario.Scenario;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** A simulated fleet against Kafka, with or without device agents, until Ctrl-C or its duration: what simulate and agent share. */
final class FleetRun {
    private FleetRun() {}

    /** The settings with {@code --trust} files as {@code agent.trusted-keys} when given. */
    static Settings trusting(Settings settings, List<Path> trust) {
        return trust.isEmpty()
                ? settings
                : settings.with(
                        AgentConfig.TRUSTED_KEYS.key(),
                        trust.stream().map(Path::toString).collect(Collectors.joining(",")));
    }

    /** @param agents null for bare devices */
    static void run(
            PrintWriter out,
            Settings settings,
            String bootstrap,
            Scenario world,
            double speed,
            Duration duration,
            AgentConfig agents)
            throws Exception {
        if (agents != null) {
            agents.trustedKeys(); // a missing or keyless file fails here, before anything starts
        }
        DeviceProducerConfig devices = DeviceProducerConfig.from(settings, bootstrap);
        FleetOptions options = new FleetOptions(Instant.now(), speed, duration).withAgents(agents);
        StopSignal signal = new StopSignal();
        FleetSimulator simulator;
        String service = agents == null ? "the simulated fleet" : "the device agents";
        try (HealthServer endpoint = HealthServer.start(
                        settings, service, () -> Health.ready("RUNNING", service + " is publishing frames."));
                AvroSerdes serdes = AvroSerdes.fromSettings(settings);
                KafkaFleetSink sink = new KafkaFleetSink(devices, serdes);
                KafkaAgentLinks links = agents == null
                        ? null
                        : new KafkaAgentLinks(KafkaSettings.clientProperties(settings, bootstrap), serdes)) {
            if (links != null && !links.awaitCaughtUp(Duration.ofSeconds(30))) {
                out.println(
                        "The models and labels topics are not read yet after 30 s; the devices start without a model and load one when"
                                + " it arrives.");
            }
            simulator = new FleetSimulator(world, options, sink, links == null ? null : links.links());
            Thread stopper = new Thread(
                    () -> {
                        try {
                            signal.await(null);
                            simulator.stop();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "edgevl-simulate-stop");
            stopper.setDaemon(true);
            stopper.start();
            out.printf(
                    "Simulating '%s': %d devices%s publishing to %s. %s%n",
                    world.name(),
                    world.devices().size(),
                    agents == null
                            ? ""
                            : " with agents (family " + agents.family() + ", status to fleet.status every "
                                    + TopicOutput.human(agents.statusInterval()) + ")",
                    devices.clientProperties().get("bootstrap.servers"),
                    duration == null
                            ? "Ctrl-C stops."
                            : "Stops after " + TopicOutput.human(duration) + " of world time.");
            out.flush();
            Progress.Rate rate = new Progress.Rate();
            FleetStats stats = simulator.stats();
            try (Progress progress = new Progress(
                    out,
                    Duration.ofSeconds(5),
                    () -> String.format(
                            "world %s  frames %,d (%.1f/s)  acknowledged %,d  failed %,d%s",
                            stats.worldClock(),
                            stats.frames(),
                            rate.perSecond(stats.frames()),
                            sink.acknowledgedFrames(),
                            sink.failures(),
                            simulator.agents().map(a -> "  " + a.summary()).orElse("")))) {
                simulator.run();
            }
            out.println("Flushing the last frames...");
            out.flush();
        } finally {
            signal.cleanedUp();
        }
        out.printf("Done: %s.%n", simulator.stats().summary());
        simulator.agents().ifPresent(a -> out.printf("Devices: %s.%n", a.summary()));
        out.flush();
    }
}
