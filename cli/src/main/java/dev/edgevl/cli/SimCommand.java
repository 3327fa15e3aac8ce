package dev.edgevl.cli;

import dev.edgevl.sim.scenario.Scenario;
import dev.edgevl.sim.sensor.DepthModel;
import dev.edgevl.sim.view.RenderToDisk;
import dev.edgevl.sim.world.Shape;
import dev.edgevl.sim.world.WorldConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "sim",
        mixinStandardHelpOptions = true,
        description = "The synthetic sensor world: look at it, or list what it can show.",
        subcommands = {SimCommand.Render.class, SimCommand.Scenarios.class})
final class SimCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "render",
            mixinStandardHelpOptions = true,
            description = {
                "Render scenes of the sensor world to PNGs so a person can look at them:",
                "per scene RGB, depth (colour-mapped, holes black) and thermal (colour-mapped), plus contact-sheet.png,",
                "truth.json and captions.txt."
            })
    static final class Render implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--seed",
                defaultValue = "1",
                description = "World seed; the same seed renders the same scenes (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--count", defaultValue = "12", description = "Number of scenes (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "DIR",
                description = "Directory to write into (created if missing).")
        Path out;

        @Option(
                names = "--size",
                defaultValue = "64",
                paramLabel = "PIXELS",
                description = "Image width and height (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--night", description = "Render at night: RGB dark and noisy, depth and thermal unchanged.")
        boolean night;

        @Option(
                names = "--new-classes",
                description = "Include the shapes held back for the new-classes drift (octahedron, hexprism).")
        boolean newClasses;

        @Option(
                names = "--replacement-depth",
                description = "Use the replacement depth sensor of the depth-sensor-change drift.")
        boolean replacementDepth;

        @Override
        public Integer call() {
            if (count < 1) {
                throw new IllegalArgumentException("--count must be at least 1.");
            }
            WorldConfig world = WorldConfig.defaults().withSize(size, size);
            if (newClasses) {
                world = world.withExtraClasses(
                        java.util.List.of(Shape.OCTAHEDRON.label(), Shape.HEXPRISM.label()), 1.0);
            }
            RenderToDisk.Settings settings = RenderToDisk.Settings.of(world);
            if (night) {
                settings = settings.withLightLevel(0.05);
            }
            if (replacementDepth) {
                settings = settings.withDepthModel(DepthModel.REPLACEMENT);
            }
            RenderToDisk.Result result = RenderToDisk.render(seed, count, out, settings);
            PrintWriter w = spec.commandLine().getOut();
            w.printf("Rendered %d scenes (seed %d, %dx%d) into %s%n", count, seed, size, size, out.toAbsolutePath());
            w.printf("Look at %s%n", result.contactSheet().toAbsolutePath());
            return 0;
        }
    }

    @Command(
            name = "scenarios",
            mixinStandardHelpOptions = true,
            description = "List the scenarios shipped with edgevl.")
    static final class Scenarios implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Table table = new Table("SCENARIO", "DEVICES", "SENSORS", "DRIFT EVENTS");
            for (String name : Scenario.SHIPPED) {
                Scenario s = Scenario.fromResource(name);
                int sensors =
                        s.devices().stream().mapToInt(d -> d.sensors().size()).sum();
                table.row(name, s.devices().size(), sensors, s.drift().size());
            }
            table.print(spec.commandLine().getOut());
            return 0;
        }
    }
}
