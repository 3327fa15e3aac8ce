package dev.edgevl.model.teacher;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.Settings;
import dev.edgevl.model.preprocess.InputSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * Which teacher the service loads, read once from {@link Settings}: the synthetic world's teacher (the one committed
 * with the project, or one that {@code edgevl teacher pretrain} made), or a CLIP the user exported to TorchScript.
 */
public record TeacherConfig(
        Kind kind,
        String path,
        Path cacheDir,
        String tokenizer,
        int contextLength,
        int imageSize,
        String device,
        int maxBatch) {

    /** What kind of model the teacher is. */
    public enum Kind {
        /** The synthetic world's CLIP-style teacher, pretrained by edgevl on rendered RGB scenes. */
        SYNTHETIC,
        /** A CLIP exported to TorchScript with encode_image and encode_text, and its HuggingFace tokenizer. */
        TORCHSCRIPT
    }

    public static final ConfigOption<Kind> KIND = ConfigOption.enumeration(
            "teacher.kind",
            Kind.class,
            Kind.SYNTHETIC,
            "The teacher model: synthetic (the synthetic world's teacher: the committed one, or the one at teacher.path) or torchscript"
                    + " (a CLIP at teacher.path).");
    public static final ConfigOption<String> PATH = ConfigOption.string(
            "teacher.path",
            null,
            "torchscript: the TorchScript file, or a directory holding exactly one .pt file and tokenizer.json. synthetic: a teacher "
                    + "directory that 'edgevl teacher pretrain' made (e.g. under teacher.cache.dir); unset, the teacher committed with "
                    + "the project.");
    public static final ConfigOption<String> CACHE_DIR = ConfigOption.string(
            "teacher.cache.dir",
            Path.of(System.getProperty("user.home"), ".edgevl", "cache").toString(),
            "Where 'edgevl teacher pretrain' and 'edgevl eval offline' keep the synthetic teachers they train. The services never "
                    + "pick a teacher from here by themselves: set teacher.path to serve one.");
    public static final ConfigOption<String> TOKENIZER = ConfigOption.string(
            "teacher.tokenizer",
            null,
            "torchscript: the model's tokenizer.json (default: tokenizer.json beside the model).");
    public static final ConfigOption<Integer> CONTEXT_LENGTH = ConfigOption.integer(
            "teacher.context-length", 77, "torchscript: token ids per text, start and end tokens included (CLIP: 77).");
    public static final ConfigOption<Integer> IMAGE_SIZE = ConfigOption.integer(
            "teacher.image-size",
            0,
            "torchscript: the input width = height; 0 asks the model's image_size(), else 224.");
    public static final ConfigOption<String> DEVICE = ConfigOption.string(
            "teacher.device",
            "cpu",
            "torchscript: the DJL device to run on (cpu, or gpu0 with a GPU engine on the classpath).");
    public static final ConfigOption<Integer> MAX_BATCH = ConfigOption.integer(
            "teacher.max-batch",
            64,
            "torchscript: the largest batch sent to libtorch at once; larger batches are split.");

    public static final List<ConfigOption<?>> OPTIONS =
            List.of(KIND, PATH, CACHE_DIR, TOKENIZER, CONTEXT_LENGTH, IMAGE_SIZE, DEVICE, MAX_BATCH);

    public TeacherConfig {
        KIND.check(kind != null, "must be set");
        PATH.check(
                kind != Kind.TORCHSCRIPT || (path != null && !path.isBlank()),
                "must name the model when teacher.kind is torchscript");
        CACHE_DIR.check(cacheDir != null, "must be set");
        CONTEXT_LENGTH.check(contextLength >= 3, "must be at least 3");
        IMAGE_SIZE.check(imageSize >= 0, "must not be negative");
        DEVICE.check(device != null && !device.isBlank(), "must not be blank");
        MAX_BATCH.check(maxBatch >= 1, "must be at least 1");
    }

    public static TeacherConfig from(Settings settings) {
        return new TeacherConfig(
                settings.get(KIND),
                settings.get(PATH),
                Path.of(settings.get(CACHE_DIR)),
                settings.get(TOKENIZER),
                settings.get(CONTEXT_LENGTH),
                settings.get(IMAGE_SIZE),
                settings.get(DEVICE),
                settings.get(MAX_BATCH));
    }

    /**
     * How frames are turned into this teacher's input at {@code imageSize}: the project's normalisation for
     * the synthetic teacher (it was pretrained on it), CLIP's statistics for a real CLIP.
     */
    public InputSpec inputSpec(int imageSize) {
        InputSpec spec = InputSpec.of(imageSize, imageSize);
        return kind == Kind.TORCHSCRIPT ? spec.withNormalisation(InputSpec.CLIP_MEAN, InputSpec.CLIP_STD) : spec;
    }
}
