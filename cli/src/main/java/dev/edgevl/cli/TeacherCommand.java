package dev.edgevl.cli;

import dev.edgevl.bench.offline.OfflineConfig;
import dev.edgevl.bench.offline.OfflineDataset;
import dev.edgevl.bench.offline.TeacherPretraining;
import dev.edgevl.distill.teacher.SyntheticTeacher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The synthetic world's teacher. */
@Command(name = "teacher", mixinStandardHelpOptions = true, description = "The synthetic world's CLIP-style teacher.",
        subcommands = {TeacherCommand.Pretrain.class})
final class TeacherCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "pretrain", mixinStandardHelpOptions = true,
            description = {"Pretrains the teacher contrastively on rendered RGB scenes and their captions (never depth or thermal)",
                    "and caches it; `eval offline` with the same --seed, --scenes and epochs then loads it instead of retraining."})
    static final class Pretrain implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of scenes and training (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--scenes", defaultValue = "8000", description = "Training scenes (default: ${DEFAULT-VALUE}).")
        int scenes;

        @Option(names = "--epochs", defaultValue = "9", description = "Passes over the scenes (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--cache", paramLabel = "DIR", defaultValue = "${sys:user.home}/.edgevl/cache",
                description = "Where the teacher is saved (default: ${DEFAULT-VALUE}).")
        Path cache;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            OfflineConfig config = OfflineConfig.defaults(seed).withTeacher(scenes, epochs);
            long start = System.nanoTime();
            out.printf("Rendering %d scenes...%n", scenes);
            out.flush();
            OfflineDataset data = OfflineDataset.generate(seed, config.trainScenes(), config.heldOutScenes(), config.captionVariants());
            try (SyntheticTeacher teacher = TeacherPretraining.obtain(config, data, cache, EvalCommand.progress(out))) {
                out.printf("Teacher ready: %,d image-tower and %,d text-tower parameters, %.0f s in all.%n", teacher.imageParameters(),
                        teacher.textParameters(), (System.nanoTime() - start) / 1e9);
            }
            out.flush();
            return 0;
        }
    }
}
