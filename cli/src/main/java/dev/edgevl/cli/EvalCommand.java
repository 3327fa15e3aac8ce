package dev.edgevl.cli;

import dev.edgevl.config.Settings;
import dev.edgevl.eval.continual.ContinualRun;
import dev.edgevl.eval.live.LiveReport;
import dev.edgevl.eval.offline.OfflineConfig;
import dev.edgevl.eval.offline.OfflineEvaluation;
import dev.edgevl.eval.offline.OfflineReport;
import dev.edgevl.eval.offline.ReportFiles;
import dev.edgevl.sim.scenario.Durations;
import dev.edgevl.sim.scenario.Scenario;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Evaluations against the sensor world's ground truth. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Accuracy evaluations against the synthetic world's ground truth.",
        subcommands = {EvalCommand.Offline.class, EvalCommand.Continual.class})
final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "offline",
            mixinStandardHelpOptions = true,
            description = {
                "The EdgeVL table in this world: pretrain (or load) the RGB-only teacher, distill the student on RGB + depth,",
                "quantize (post-training and stage 2), and score every model on held-out scenes by shape."
            })
    static final class Offline implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--seed",
                defaultValue = "1",
                description = "Seed of scenes, noise and training (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--quick", description = "A tiny run (seconds) that proves the pipeline, not the accuracy.")
        boolean quick;

        @Option(names = "--scenes", description = "Training scenes (default: 8000; quick: 64).")
        Integer scenes;

        @Option(names = "--teacher-epochs", description = "Teacher pretraining epochs (default: 9; quick: 1).")
        Integer teacherEpochs;

        @Option(
                names = "--teacher-width",
                description = "The teacher's image tower is the student's layout this many times as wide"
                        + " (default: " + OfflineConfig.TEACHER_WIDTH
                        + "); another width is another teacher, pretrained on first use and cached.")
        Integer teacherWidth;

        @Option(names = "--report", paramLabel = "FILE", description = "Write the report as JSON.")
        Path report;

        @Option(names = "--chart", paramLabel = "FILE", description = "Write the table as a PNG bar chart.")
        Path chart;

        @Option(
                names = "--cache",
                paramLabel = "DIR",
                defaultValue = "${sys:user.home}/.edgevl/cache",
                description = "Where pretrained teachers are kept and reused (default: ${DEFAULT-VALUE}).")
        Path cache;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            OfflineConfig config = quick ? OfflineConfig.quick(seed) : OfflineConfig.defaults(seed);
            if (scenes != null || teacherEpochs != null) {
                config = config.withTeacher(
                        scenes != null ? scenes : config.trainScenes(),
                        teacherEpochs != null ? teacherEpochs : config.teacherEpochs());
            }
            if (teacherWidth != null) {
                config = config.withTeacherWidth(teacherWidth);
            }
            out.flush();
            OfflineReport result = OfflineEvaluation.run(config, quick, cache, progress(out));
            out.println();
            out.print(result.table());
            out.println();
            out.println(result.summary());
            if (report != null) {
                ReportFiles.writeJson(result, report);
                out.println("Report written to " + report.toAbsolutePath());
            }
            if (chart != null) {
                ReportFiles.writeChart(result, chart);
                out.println("Chart written to " + chart.toAbsolutePath());
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "continual",
            mixinStandardHelpOptions = true,
            description = {
                "The adaptive loop of 'edgevl local' without Kafka, in accelerated time:",
                "the scenario's fleet rendered as fast as the machine goes, frame sync's",
                "pairing, the stream job's batches (student, routing, budget), the teacher",
                "and the distiller (replay buffer, rounds, gate, v0), with the same settings",
                "(--set and --config as for local). A round started at stream time t goes",
                "live at t + --round-latency, so a seed always gives the same figures.",
                "Prints and writes the segment table and the per-modality judgement against",
                "the frozen v0, as 'edgevl local' does."
            })
    static final class Continual implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(
                names = "--scenario",
                defaultValue = "drift",
                paramLabel = "FILE|NAME",
                description =
                        "Scenario YAML file, or the name of a shipped one (default, drift, mixed-fleet). Default: ${DEFAULT-VALUE}.")
        String scenarioName;

        @Option(
                names = "--minutes",
                paramLabel = "M",
                description = "Stream time to run, in minutes (default: 15; --quick: 2).")
        Double minutes;

        @Option(
                names = "--seed",
                paramLabel = "S",
                description = "The world's seed instead of the scenario's (scenes, noise, sensor clocks).")
        Long seed;

        @Option(
                names = "--round-latency",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description =
                        "Stream time from a round's start until its version is live (default: 60s, about what a round"
                                + " takes in 'edgevl local' on two cores; --quick: 20s).")
        Duration roundLatency;

        @Option(
                names = "--quick",
                description =
                        "Prove the pipeline in about a minute: 2 minutes of stream, rounds of 1 stage-1 epoch and 10"
                                + " stage-2 steps on a smaller buffer. Its figures prove nothing about accuracy.")
        boolean quick;

        @Option(
                names = "--report",
                paramLabel = "FILE",
                defaultValue = "edgevl-continual-report.json",
                description = "Where the JSON report goes (default: ${DEFAULT-VALUE}).")
        Path report;

        @Option(
                names = "--chart",
                paramLabel = "FILE",
                description = "Where the chart goes (default: the report's name with .png).")
        Path chart;

        /** What --quick changes: shorter and cheaper rounds, sooner. */
        static final Map<String, String> QUICK = Map.of(
                "distill.trigger.samples", "64",
                "distill.trigger.min-samples", "48",
                "distill.stage1.epochs", "1",
                "distill.stage2.steps", "10");

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Settings settings = LocalStack.withLocalDefaults(config.settings());
            if (quick) {
                for (Map.Entry<String, String> e : QUICK.entrySet()) {
                    if (config.settings().raw(e.getKey()).isEmpty()) {
                        settings = settings.with(e.getKey(), e.getValue());
                    }
                }
            }
            ScenarioOption option = new ScenarioOption();
            option.scenario = scenarioName;
            Scenario world = option.load();
            if (seed != null) {
                world = world.withSeed(seed);
            }
            Duration length = Duration.ofMillis(Math.round(60_000 * (minutes != null ? minutes : quick ? 2 : 15)));
            Duration latency = roundLatency != null ? roundLatency : Duration.ofSeconds(quick ? 20 : 60);
            Path work = Files.createTempDirectory("edgevl-continual");
            out.printf(
                    "Continual evaluation of '%s' (seed %d): %s of stream time, %d devices, rounds live %s after they start.%n",
                    world.name(),
                    world.seed(),
                    Durations.format(length),
                    world.devices().size(),
                    Durations.format(latency));
            out.flush();
            long started = System.nanoTime();
            boolean terminal = System.console() != null;
            long[] lastLine = {0};
            LiveReport result;
            try {
                result = ContinualRun.run(new ContinualRun.Options(world, length, latency, settings, work), p -> {
                    long now = System.nanoTime();
                    if (!terminal && now - lastLine[0] < 15_000_000_000L) {
                        return;
                    }
                    lastLine[0] = now;
                    String line = bar(p, (now - started) / 1e9);
                    out.print(terminal ? "\r" + line : line + System.lineSeparator());
                    out.flush();
                });
            } finally {
                deleteTree(work);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf("%nDone in %.0f s of wall time for %s of stream time.%n%n", seconds, Durations.format(length));
            out.print(result.segmentTable());
            out.println();
            out.println(result.summaryText());
            Path png;
            if (chart == null) {
                png = result.writeWithChart(report);
            } else {
                result.writeJson(report);
                result.writeChart(chart);
                png = chart;
            }
            out.printf("Report: %s and %s%n", report.toAbsolutePath(), png.toAbsolutePath());
            out.flush();
            return 0;
        }

        static String bar(ContinualRun.Progress p, double elapsedSeconds) {
            int width = 30;
            double done = Math.min(
                    1, (double) p.world().toMillis() / Math.max(1, p.length().toMillis()));
            int filled = (int) Math.round(done * width);
            return String.format(
                    java.util.Locale.ROOT,
                    "[%s%s] %s / %s of stream  live %s%s  rounds %d  %s  %.0f s",
                    "#".repeat(filled),
                    ".".repeat(width - filled),
                    Durations.format(p.world().withNanos(0)),
                    Durations.format(p.length()),
                    p.liveVersion() == null ? "none" : "v" + p.liveVersion(),
                    p.canaryVersion() == null ? "" : ", canary v" + p.canaryVersion(),
                    p.rounds(),
                    p.phase(),
                    elapsedSeconds);
        }

        private static void deleteTree(Path dir) throws java.io.IOException {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Progress lines go to the command's output as they happen. */
    static PrintStream progress(PrintWriter out) {
        return new PrintStream(
                new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        out.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        out.write(new String(b, off, len, StandardCharsets.UTF_8));
                        out.flush();
                    }
                },
                true,
                StandardCharsets.UTF_8);
    }
}
