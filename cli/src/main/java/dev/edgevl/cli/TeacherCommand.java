package dev.edgevl.cli;

import dev.edgevl.eval.offline.OfflineConfig;
import dev.edgevl.eval.offline.OfflineDataset;
import dev.edgevl.eval.offline.TeacherPretraining;
import dev.edgevl.model.teacher.CommittedTeacher;
import dev.edgevl.model.teacher.SyntheticTeacher;
import dev.edgevl.teacher.service.TeacherServiceApp;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The teacher: the synthetic world's pretraining, and the teacher service. */
@Command(
        name = "teacher",
        mixinStandardHelpOptions = true,
        description = "The teacher: pretrain the synthetic world's CLIP-style teacher, or run the teacher service.",
        subcommands = {TeacherCommand.Pretrain.class, TeacherCommand.Serve.class})
final class TeacherCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "pretrain",
            mixinStandardHelpOptions = true,
            description = {
                "Pretrains the teacher contrastively on rendered RGB scenes and their captions (never depth or thermal)",
                "and caches it; `eval offline` with the same --seed, --scenes and epochs then loads it instead of retraining.",
                "The default configuration with seed 1 is committed with the project: it is copied into the cache, not",
                "pretrained, unless --force is given."
            })
    static final class Pretrain implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--seed",
                defaultValue = "1",
                description = "Seed of scenes and training (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--scenes", defaultValue = "8000", description = "Training scenes (default: ${DEFAULT-VALUE}).")
        int scenes;

        @Option(
                names = "--epochs",
                defaultValue = "9",
                description = "Passes over the scenes (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(
                names = "--width",
                defaultValue = "" + OfflineConfig.TEACHER_WIDTH,
                description =
                        "The image tower is the student's"
                                + " layout this many times as wide (default: ${DEFAULT-VALUE}); parameters grow about with its square.")
        int width;

        @Option(
                names = "--cache",
                paramLabel = "DIR",
                defaultValue = "${sys:user.home}/.edgevl/cache",
                description = "Where the teacher is saved (default: ${DEFAULT-VALUE}).")
        Path cache;

        @Option(
                names = "--force",
                description = "Pretrain even when the cache or the committed teacher already has this configuration's"
                        + " teacher, and replace the cache entry.")
        boolean force;

        @Option(
                names = "--link",
                paramLabel = "PATH",
                description = {
                    "Also make PATH a symbolic link to the teacher's directory: a name"
                            + " that does not change with the recipe, for --set teacher.path=PATH (the services serve the committed teacher"
                            + " unless teacher.path names another)."
                })
        Path link;

        @Option(
                names = "--export",
                paramLabel = "DIR",
                description = {
                    "Pretrain (as --force) and also write the teacher to DIR as the"
                            + " committed one is laid out, with pretrained.properties saying how it was made. To make the committed teacher again:",
                    "--seed 1 --export " + CommittedTeacher.SOURCE_DIR
                })
        Path export;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            OfflineConfig config =
                    OfflineConfig.defaults(seed).withTeacher(scenes, epochs).withTeacherWidth(width);
            boolean retrain = force || export != null;
            long start = System.nanoTime();
            Supplier<OfflineDataset> data = () -> {
                out.printf("Rendering %d scenes...%n", scenes);
                out.flush();
                return OfflineDataset.generate(
                        seed, config.trainScenes(), config.heldOutScenes(), config.captionVariants());
            };
            try (SyntheticTeacher teacher =
                    TeacherPretraining.obtain(config, data, cache, EvalCommand.progress(out), retrain)) {
                double seconds = (System.nanoTime() - start) / 1e9;
                out.printf(
                        "Teacher ready: %s, %,d image-tower and %,d text-tower parameters, %.0f s in all.%n",
                        teacher.id(), teacher.imageParameters(), teacher.textParameters(), seconds);
                Path entry = TeacherPretraining.cacheEntry(config, cache);
                if (link != null) {
                    Files.deleteIfExists(link);
                    Files.createSymbolicLink(link, entry.toAbsolutePath());
                    out.println("Linked " + link + " to " + entry + ".");
                }
                out.println("To serve it: edgevl teacher serve --set teacher.path=" + (link != null ? link : entry));
                if (export != null) {
                    CommittedTeacher.export(entry, export, provenance(config, teacher, seconds));
                    out.println("Exported to " + export.toAbsolutePath() + " with its " + CommittedTeacher.PROVENANCE
                            + ".");
                }
            }
            out.flush();
            return 0;
        }

        /** The command line that trains this configuration's teacher, with the options that differ from their defaults. */
        String command() {
            StringBuilder command = new StringBuilder("./edgevl teacher pretrain --seed ").append(seed);
            if (scenes != 8000) {
                command.append(" --scenes ").append(scenes);
            }
            if (epochs != 9) {
                command.append(" --epochs ").append(epochs);
            }
            if (width != OfflineConfig.TEACHER_WIDTH) {
                command.append(" --width ").append(width);
            }
            return command.toString();
        }

        private Map<String, String> provenance(OfflineConfig config, SyntheticTeacher teacher, double seconds) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("seed", Long.toString(seed));
            p.put("key", TeacherPretraining.key(config));
            p.put("id", teacher.id());
            p.put("command", command());
            p.put("scenes", Integer.toString(scenes));
            p.put("epochs", Integer.toString(epochs));
            p.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            p.put("version", Version.number());
            p.put("seconds", String.format(Locale.ROOT, "%.0f", seconds));
            p.put("processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
            return p;
        }
    }

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = {
                "Run the teacher service (Kafka Streams, exactly-once) until Ctrl-C: embeds the RGB frame of every pair on",
                "teacher.requests into teacher.embeddings, in batches (teacher.batch.size, teacher.batch.max-wait), and every label on",
                "labels into labels.embedded (REMOVE becomes a tombstone). Unusable requests and label events go to",
                "teacher.requests.dlq / labels.dlq with the reason. The teacher is the synthetic one committed with the project",
                "(default), another synthetic one (--set teacher.path=DIR, a directory 'teacher pretrain' made), or a TorchScript",
                "CLIP: --set teacher.kind=torchscript --set teacher.path=DIR."
            })
    static final class Serve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Mixin
        RunLength runLength = new RunLength();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            StopSignal signal = new StopSignal();
            try {
                try (TeacherServiceApp app = TeacherServiceApp.start(cluster.settings(), cluster.bootstrap)) {
                    app.awaitRunning(Duration.ofSeconds(60));
                    out.printf(
                            "The teacher service is running with teacher %s (%dx%d images, %d-dim embeddings). %s%n",
                            app.teacher().id(),
                            app.teacher().imageSize(),
                            app.teacher().imageSize(),
                            app.teacher().dim(),
                            runLength.howItEnds());
                    out.flush();
                    Progress.Rate rate = new Progress.Rate();
                    try (Progress progress = new Progress(
                            out,
                            Duration.ofSeconds(10),
                            () -> String.format(
                                    "embeddings %,d (%.1f/s)  batches %,d  labels embedded %,d, removed %,d  dead letters %,d",
                                    app.stats().embedded(),
                                    rate.perSecond(app.stats().embedded()),
                                    app.stats().batches(),
                                    app.stats().labelsEmbedded(),
                                    app.stats().labelsRemoved(),
                                    app.stats().requestDeadLetters()
                                            + app.stats().labelDeadLetters()))) {
                        signal.await(runLength.duration);
                    }
                    out.println("Stopping the teacher service...");
                    out.flush();
                }
                out.println("The teacher service stopped cleanly.");
                out.flush();
                return 0;
            } finally {
                signal.cleanedUp();
            }
        }
    }
}
