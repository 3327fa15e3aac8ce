package dev.edgevl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgevl.bench.BenchResult;
import dev.edgevl.bench.DistillBench;
import dev.edgevl.bench.ModelBench;
import dev.edgevl.bench.RenderBench;
import dev.edgevl.bench.SyncBench;
import dev.edgevl.bench.inference.InferenceBench;
import dev.edgevl.bench.inference.OverloadBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the speed targets are measured; never in unit tests. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks of the speed targets, on this machine.",
        subcommands = {
            BenchCommand.Render.class,
            BenchCommand.Sync.class,
            BenchCommand.Student.class,
            BenchCommand.Inference.class,
            BenchCommand.Overload.class,
            BenchCommand.Distill.class
        })
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where a benchmark's figures go: always the terminal, and a JSON file when asked. */
    /** Prints a benchmark's progress lines as they come. */
    static Consumer<String> lines(PrintWriter out) {
        return line -> {
            out.println(line);
            out.flush();
        };
    }

    static final class ReportOption {
        @Option(names = "--report", paramLabel = "FILE", description = "Also write the figures as JSON.")
        Path file;

        void print(PrintWriter out, BenchResult result) throws java.io.IOException {
            out.println(result.sentence());
            if (file != null) {
                new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(
                                file.toFile(),
                                Map.of(
                                        "benchmark",
                                        result.name(),
                                        "summary",
                                        result.sentence(),
                                        "figures",
                                        result.figures()));
                out.println("Report written to " + file.toAbsolutePath());
            }
            out.flush();
        }
    }

    @Command(
            name = "render",
            mixinStandardHelpOptions = true,
            description =
                    "Render throughput of the sensor world: RGB+depth+thermal triples per second on one core (target: 500 at 64x64).")
    static final class Render implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--warmup",
                defaultValue = "3",
                description = "Seconds of warm-up, not measured (default: ${DEFAULT-VALUE}).")
        double warmup;

        @Option(names = "--seconds", defaultValue = "10", description = "Seconds measured (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(
                names = "--size",
                defaultValue = "64",
                description = "Image width and height (default: ${DEFAULT-VALUE}).")
        int size;

        @Mixin
        ReportOption report = new ReportOption();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Rendering for %.0f s after %.0f s of warm-up...%n", seconds, warmup);
            out.flush();
            report.print(out, RenderBench.run(warmup, seconds, size));
            return 0;
        }
    }

    @Command(
            name = "sync",
            mixinStandardHelpOptions = true,
            description = {
                "Frame-sync throughput (pairs/s) on an embedded broker: loads a simulated fleet's frames,",
                "then times the exactly-once sync app pairing all of them."
            })
    static final class Sync implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--devices",
                defaultValue = "8",
                description = "Simulated devices, each RGB + depth at 10 fps (default: ${DEFAULT-VALUE}).")
        int devices;

        @Option(
                names = "--world-time",
                defaultValue = "60s",
                converter = DurationConverter.class,
                description = "World time of frames to load (default: ${DEFAULT-VALUE}).")
        Duration worldTime;

        @Mixin
        ReportOption report = new ReportOption();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            BenchResult result = SyncBench.run(devices, worldTime, lines(out));
            report.print(out, result);
            return 0;
        }
    }

    @Command(
            name = "model",
            mixinStandardHelpOptions = true,
            description = {
                "The default student's speeds: stage-1 training samples/s, and inference frames/s of its exported model",
                "on ONNX Runtime, fp32 against int8, at batch 1 and 32 (target: int8 faster, bundle >= 4x smaller)."
            })
    static final class Student implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--size",
                defaultValue = "64",
                description = "Input width and height (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(
                names = "--dim",
                defaultValue = "128",
                description = "Embedding size of the teacher (default: ${DEFAULT-VALUE}).")
        int dim;

        @Option(
                names = "--seconds",
                defaultValue = "10",
                description = "Seconds measured per figure (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Mixin
        ReportOption report = new ReportOption();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            report.print(out, ModelBench.run(size, dim, seconds, seconds / 2, lines(out)));
            return 0;
        }
    }

    @Command(
            name = "inference",
            mixinStandardHelpOptions = true,
            description = {
                "The stream job against the bare student on this machine, all on the student the distiller ships first:",
                "the bare student's per-record work (per stage) batched and per record; the job end to end on an embedded",
                "broker and MiniCluster (goal >= 0.85 of bare); capture->visible latency at consumers of the exactly-once",
                "and the low-latency outputs at half the job's rate; a per-record DJL Predictor job (goal: batched >= 5x);",
                "and the job jar on a Flink standalone cluster (a JobManager and two TaskManager processes) at parallelism",
                "1 and 2. Needs several minutes."
            })
    static final class Inference implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--frames",
                defaultValue = "60000",
                description = "Backlog of pairs each job works through, twice, timed over the second half of its second"
                        + " pass: long enough for the JIT compiler to finish with the job (default: ${DEFAULT-VALUE}).")
        int frames;

        @Option(
                names = "--seconds",
                defaultValue = "10",
                description = "Seconds per bare measurement (after as long a warm-up) and per latency run (after three"
                        + " times as long at its rate) (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(
                names = "--cluster-frames",
                defaultValue = "5000",
                description =
                        "Backlog for each run on the standalone cluster; 0 skips the cluster (default: ${DEFAULT-VALUE}).")
        int clusterFrames;

        @Option(
                names = "--set",
                paramLabel = "KEY=VALUE",
                description = "A setting of the job under test (inference.*), repeatable; e.g. inference.batch.size=8.")
        Map<String, String> overrides = new LinkedHashMap<>();

        @Mixin
        ReportOption report = new ReportOption();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            report.print(out, InferenceBench.run(frames, seconds, clusterFrames, overrides, lines(out)));
            return 0;
        }
    }

    @Command(
            name = "overload",
            mixinStandardHelpOptions = true,
            description = {
                "The stream job offered more than it can annotate: its capacity measured on a backlog (shedding off),",
                "then pairs written live at FACTOR times that rate for SECONDS with inference.shed-after set. Reports",
                "the rate annotated by the student and the rate shed, capture->visible latency (the job's lag), the heap",
                "against -Xmx, and whether every pair written got one annotation (by the student, or SHED). Goals: lag",
                "bounded, no OutOfMemoryError, annotated >= 0.9 of capacity; and the cores the job, the writer and the rest",
                "of the JVM used, and how long the job's task thread ran and waited for a CPU. The job has the last CPU",
                "to itself (--no-job-core: shared). It takes about 8 minutes and up to 12 GB of disk.",
                "Example: edgevl bench overload --seconds 60 --factor 2 --shed-after 5s"
            })
    static final class Overload implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--factor",
                defaultValue = "2",
                description = "Offered rate over the measured capacity (default: ${DEFAULT-VALUE}).")
        double factor;

        @Option(
                names = "--seconds",
                defaultValue = "300",
                description = "How long the overload lasts (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(
                names = "--shed-after",
                paramLabel = "TIME",
                defaultValue = "5s",
                converter = DurationConverter.class,
                description = "The job's inference.shed-after during the overload (default: ${DEFAULT-VALUE}).")
        Duration shedAfter;

        @Option(
                names = "--frames",
                defaultValue = "60000",
                description = "Backlog of pairs the capacity is measured on (default: ${DEFAULT-VALUE}; 20,000 measured"
                        + " it a third low: the job was not yet at its steady rate).")
        int frames;

        @Option(
                names = "--job-core",
                negatable = true,
                defaultValue = "true",
                fallbackValue = "true",
                description = "Keep the last CPU for the job's task and fetcher threads and run the bench's broker,"
                        + " writer and tally on the others, as a deployed job has its own cores (Linux with taskset and"
                        + " 2+ CPUs; default: on). --no-job-core lets them share every CPU: at 2x they take the job's.")
        boolean jobCore;

        @Mixin
        ReportOption report = new ReportOption();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            report.print(out, OverloadBench.run(factor, seconds, shedAfter, frames, jobCore, lines(out)));
            return 0;
        }
    }

    @Command(
            name = "distill",
            mixinStandardHelpOptions = true,
            description = {
                "One retraining round of the distiller with its default buffer, student and steps, on pairs of the default",
                "world embedded by the configured teacher (teacher.* settings; the synthetic one by default): the round's time on this",
                "machine, stage by stage, and the gate's figures. --rounds 2 adds a round that continues from the first. Minutes."
            })
    static final class Distill implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(
                names = "--pairs",
                defaultValue = "2600",
                description = "Pairs rendered for the first round (default: ${DEFAULT-VALUE}).")
        int pairs;

        @Option(
                names = "--rounds",
                defaultValue = "1",
                description = "1, or 2 to add a warm-started round (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(
                names = "--seed",
                defaultValue = "1",
                description = "Seed of the rendered scenes (default: ${DEFAULT-VALUE}).")
        long seed;

        @Mixin
        ReportOption report = new ReportOption();

        @Override
        public Integer call() throws Exception {
            if (rounds < 1 || rounds > 2) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--rounds is 1 or 2, not " + rounds + ".");
            }
            PrintWriter out = spec.commandLine().getOut();
            report.print(out, DistillBench.run(config.settings(), pairs, rounds, seed, lines(out)));
            return 0;
        }
    }
}
