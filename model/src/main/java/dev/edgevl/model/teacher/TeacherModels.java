package dev.edgevl.model.teacher;

import dev.edgevl.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the teacher that {@code teacher.*} settings name. */
public final class TeacherModels {
    private static final Logger LOG = LoggerFactory.getLogger(TeacherModels.class);
    static final String TOKENIZER_FILE = "tokenizer.json";

    private TeacherModels() {}

    /** @throws TeacherLoadException or {@link IllegalStateException} saying what is missing and what to do */
    public static TeacherModel load(Settings settings) {
        return load(TeacherConfig.from(settings));
    }

    public static TeacherModel load(TeacherConfig config) {
        return switch (config.kind()) {
            case SYNTHETIC -> synthetic(config);
            case TORCHSCRIPT -> TorchScriptClipTeacher.load(clipConfig(config));
        };
    }

    /**
     * The synthetic teacher at {@code teacher.path} when it is set; else the teacher committed with the project, read
     * from the jar. Never "whichever is in the cache": pretraining or evaluating another teacher must not change what
     * the services run. The log says which teacher it is and why.
     */
    private static TeacherModel synthetic(TeacherConfig config) {
        long started = System.nanoTime();
        SyntheticTeacher teacher;
        String from;
        if (config.path() != null && !config.path().isBlank()) {
            Path dir = Path.of(config.path());
            teacher = SyntheticTeacherFiles.load(dir);
            from = dir + ", as " + TeacherConfig.PATH.key() + " says";
        } else {
            CommittedTeacher committed = CommittedTeacher.find()
                    .orElseThrow(() -> new IllegalStateException(
                            "This build carries no committed synthetic teacher; set " + TeacherConfig.PATH.key()
                                    + " to a teacher directory that 'edgevl teacher pretrain' made."));
            teacher = committed.load();
            from = committed.describe() + ", the default while " + TeacherConfig.PATH.key() + " is not set";
        }
        LOG.info(
                "Loaded the synthetic teacher {} from {}: {}x{} images, {}-dim embeddings, in {} ms.",
                teacher.id(),
                from,
                teacher.imageSize(),
                teacher.imageSize(),
                teacher.dim(),
                (System.nanoTime() - started) / 1_000_000);
        return teacher;
    }

    static ClipTeacherConfig clipConfig(TeacherConfig config) {
        Path model = modelFile(Path.of(config.path()));
        Path tokenizer = config.tokenizer() != null && !config.tokenizer().isBlank()
                ? Path.of(config.tokenizer())
                : model.resolveSibling(TOKENIZER_FILE);
        return ClipTeacherConfig.builder()
                .modelPath(model)
                .tokenizerPath(tokenizer)
                .contextLength(config.contextLength())
                .imageSize(config.imageSize())
                .device(config.device())
                .maxBatchSize(config.maxBatch())
                .build();
    }

    /** The path itself when it is a file; the one .pt file in it when it is a directory. */
    static Path modelFile(Path path) {
        if (!Files.isDirectory(path)) {
            if (!Files.isRegularFile(path)) {
                throw new TeacherLoadException("The teacher model " + path + " does not exist; set "
                        + TeacherConfig.PATH.key() + " to a TorchScript file or a directory holding one.");
            }
            return path;
        }
        List<Path> models;
        try (Stream<Path> files = Files.list(path)) {
            models = files.filter(f -> f.getFileName().toString().endsWith(".pt"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the teacher directory " + path + ": " + e.getMessage(), e);
        }
        if (models.size() != 1) {
            throw new TeacherLoadException("The teacher directory " + path + " holds " + models.size() + " .pt files "
                    + models.stream().map(m -> m.getFileName().toString()).toList() + "; it needs exactly one, or set "
                    + TeacherConfig.PATH.key()
                    + " to the file itself.");
        }
        return models.get(0);
    }
}
