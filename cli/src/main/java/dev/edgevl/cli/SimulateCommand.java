package dev.edgevl.cli;

import dev.edgevl.config.Settings;
import dev.edgevl.device.agent.AgentConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A simulated fleet publishing to Kafka, as real devices would. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Run a scenario's simulated fleet against Kafka until Ctrl-C or --duration:",
            "every device's sensors publish frames to frames.rgb and frames.aux at the scenario's rates, with their own clocks,",
            "and the ground truth goes to sim.truth (for evaluators only). With --agents every device also runs a device agent",
            "(the live student from 'models', verified against --trust keys; status to fleet.status; see 'edgevl agent')."
        })
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    ScenarioOption scenario = new ScenarioOption();

    @Option(
            names = "--speed",
            defaultValue = "1",
            description = "1 = real time, 2 = twice as fast, 0 = as fast as it renders (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(
            names = "--duration",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "World time to simulate (e.g. 90s, 10m). Default: until Ctrl-C.")
    Duration duration;

    @Option(
            names = "--agents",
            description = "Every device runs a device agent: hot-swaps the signed live student, annotates its own "
                    + "frames with it, reports to fleet.status (settings agent.*).")
    boolean agents;

    @Option(
            names = "--trust",
            paramLabel = "PEM",
            description = "With --agents: public key file(s) whose signed models the devices "
                    + "accept (sets agent.trusted-keys).")
    List<Path> trust = List.of();

    @Override
    public Integer call() throws Exception {
        if (!trust.isEmpty() && !agents) {
            throw new IllegalArgumentException("--trust is for the devices' agents; add --agents to run them.");
        }
        Settings settings = FleetRun.trusting(cluster.settings(), trust);
        FleetRun.run(
                spec.commandLine().getOut(),
                settings,
                cluster.bootstrap,
                scenario.load(),
                speed,
                duration,
                agents ? AgentConfig.from(settings) : null);
        return 0;
    }
}
