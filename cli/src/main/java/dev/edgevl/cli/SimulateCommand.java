package dev.edgevl.cli;

import dev.edgevl.config.Settings;
import dev.edgevl.ingest.device.DeviceProducerConfig;
import dev.edgevl.ingest.fleet.FleetOptions;
import dev.edgevl.ingest.fleet.FleetSimulator;
import dev.edgevl.ingest.fleet.FleetStats;
import dev.edgevl.ingest.fleet.KafkaFleetSink;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.sim.scenario.Scenario;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A simulated fleet publishing to Kafka, as real devices would. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a scenario's simulated fleet against Kafka until Ctrl-C or --duration:",
                "every device's sensors publish frames to frames.rgb and frames.aux at the scenario's rates, with their own clocks,",
                "and the ground truth goes to sim.truth (for evaluators only)."})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    ScenarioOption scenario = new ScenarioOption();

    @Option(names = "--speed", defaultValue = "1", description = "1 = real time, 2 = twice as fast, 0 = as fast as it renders (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "World time to simulate (e.g. 90s, 10m). Default: until Ctrl-C.")
    Duration duration;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = cluster.settings();
        Scenario world = scenario.load();
        DeviceProducerConfig devices = DeviceProducerConfig.from(settings, cluster.bootstrap);
        FleetSimulator simulator;
        StopSignal signal = new StopSignal();
        try (AvroSerdes serdes = AvroSerdes.fromSettings(settings);
             KafkaFleetSink sink = new KafkaFleetSink(devices, serdes)) {
            simulator = new FleetSimulator(world, new FleetOptions(Instant.now(), speed, duration), sink);
            Thread stopper = new Thread(() -> {
                try {
                    signal.await(null);
                    simulator.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "edgevl-simulate-stop");
            stopper.setDaemon(true);
            stopper.start();
            out.printf("Simulating '%s': %d devices publishing to %s. %s%n", world.name(), world.devices().size(),
                    devices.clientProperties().get("bootstrap.servers"),
                    duration == null ? "Ctrl-C stops." : "Stops after " + TopicOutput.human(duration) + " of world time.");
            out.flush();
            Progress.Rate rate = new Progress.Rate();
            FleetStats stats = simulator.stats();
            try (Progress progress = new Progress(out, Duration.ofSeconds(5), () -> String.format(
                    "world %s  frames %,d (%.1f/s)  acknowledged %,d  failed %,d", stats.worldClock(), stats.frames(),
                    rate.perSecond(stats.frames()), sink.acknowledgedFrames(), sink.failures()))) {
                simulator.run();
            }
            out.println("Flushing the last frames...");
            out.flush();
        } finally {
            signal.cleanedUp();
        }
        out.printf("Done: %s.%n", simulator.stats().summary());
        out.flush();
        return 0;
    }
}
