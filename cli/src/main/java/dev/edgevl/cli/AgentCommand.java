package dev.edgevl.cli;

import dev.edgevl.config.Settings;
import dev.edgevl.device.agent.AgentConfig;
import dev.edgevl.sim.scenario.DeviceSpec;
import dev.edgevl.sim.scenario.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Simulated devices running the device agent, against any Kafka. */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = {
            "Run one or more simulated devices with the device agent against Kafka until Ctrl-C or --duration. Each device",
            "verifies every new version of the student on 'models' against the --trust keys (refusing tampered, unsigned or",
            "foreign-signed bundles and keeping the one it runs), hot-swaps it between frames, annotates its own frames with it",
            "over the labels on labels.embedded, reports its model, health and last swap to fleet.status, and publishes its frames",
            "like any device. Settings: agent.* (see docs/agent.md)."
        })
final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    ScenarioOption scenario = new ScenarioOption();

    @Mixin
    RunLength runLength = new RunLength();

    @Option(
            names = {"-n", "--devices"},
            defaultValue = "1",
            description = "Simulated devices, each with its own agent (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(
            names = "--device-prefix",
            defaultValue = "agent-",
            paramLabel = "PREFIX",
            description = "Device ids are PREFIX0, PREFIX1, ... (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(
            names = "--trust",
            paramLabel = "PEM",
            description = "Public key file(s) whose signed models the devices accept " + "(sets agent.trusted-keys).")
    List<Path> trust = List.of();

    @Option(
            names = "--speed",
            defaultValue = "1",
            description = "1 = real time, 2 = twice as fast (default: ${DEFAULT-VALUE}).")
    double speed;

    @Override
    public Integer call() throws Exception {
        if (speed <= 0) {
            throw new IllegalArgumentException("--speed must be positive for devices with agents, got " + speed + ".");
        }
        if (devices < 1) {
            throw new IllegalArgumentException("--devices must be at least 1, got " + devices + ".");
        }
        Settings settings = FleetRun.trusting(cluster.settings(), trust);
        AgentConfig agents = AgentConfig.from(settings);
        // --duration is wall-clock time here, like every long-running command's; the simulator counts world time.
        java.time.Duration worldTime = runLength.duration == null
                ? null
                : java.time.Duration.ofMillis(Math.round(runLength.duration.toMillis() * speed));
        FleetRun.run(
                spec.commandLine().getOut(),
                settings,
                cluster.bootstrap,
                fleetOf(scenario.load(), devices, prefix),
                speed,
                worldTime,
                agents);
        return 0;
    }

    /** The scenario's world with {@code n} devices, which take the scenario's devices' sensors in turn. */
    static Scenario fleetOf(Scenario world, int n, String prefix) {
        List<DeviceSpec> fleet = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fleet.add(new DeviceSpec(
                    prefix + i, world.devices().get(i % world.devices().size()).sensors()));
        }
        return new Scenario(world.name(), world.seed(), world.world(), world.sceneDuration(), fleet, world.drift());
    }
}
