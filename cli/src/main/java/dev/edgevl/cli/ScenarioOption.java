package dev.edgevl.cli;

import dev.edgevl.sim.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A scenario given by file or by the name of a shipped one. */
final class ScenarioOption {
    @Option(
            names = "--scenario",
            defaultValue = "default",
            paramLabel = "FILE|NAME",
            description =
                    "Scenario YAML file, or the name of a shipped one (default, drift, mixed-fleet). Default: ${DEFAULT-VALUE}.")
    String scenario;

    Scenario load() {
        Path file = Path.of(scenario);
        if (Files.isRegularFile(file)) {
            return Scenario.load(file);
        }
        if (Scenario.SHIPPED.contains(scenario)) {
            return Scenario.fromResource(scenario);
        }
        throw new IllegalArgumentException(
                "No scenario file " + file.toAbsolutePath() + " and no shipped scenario called '" + scenario
                        + "' (shipped: " + String.join(", ", Scenario.SHIPPED) + ").");
    }
}
