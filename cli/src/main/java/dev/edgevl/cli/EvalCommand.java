package dev.edgevl.cli;

import dev.edgevl.eval.offline.OfflineConfig;
import dev.edgevl.eval.offline.OfflineEvaluation;
import dev.edgevl.eval.offline.OfflineReport;
import dev.edgevl.eval.offline.ReportFiles;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Evaluations against the sensor world's ground truth. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Accuracy evaluations against the synthetic world's ground truth.",
        subcommands = {EvalCommand.Offline.class})
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
