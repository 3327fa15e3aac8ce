package dev.edgevl.eval.offline;

import dev.edgevl.model.student.StudentSpec;
import java.util.List;

/**
 * Everything that sizes an offline evaluation. {@link #defaults} fits a few minutes on two cores;
 * {@link #quick} only proves the pipeline runs end to end.
 *
 * @param seed everything (scenes, noise, initialization, shuffling) derives from it
 * @param trainScenes scenes for teacher pretraining and distillation
 * @param heldOutScenes scenes only the evaluator scores on, drawn from different seeds
 * @param captionVariants caption variants per training scene for teacher pretraining
 * @param teacherEpochs passes of teacher pretraining over the training scenes
 * @param teacherSpec the teacher's image tower (the student's architecture, wider)
 * @param studentSpec the student
 * @param batch batch size of every training stage
 * @param distillEpochs passes of stage 1 over the training pairs
 * @param qatSteps stage-2 steps over the pseudo-labelled pairs
 * @param speedSeconds how long each inference-speed measurement runs
 */
public record OfflineConfig(
        long seed,
        int trainScenes,
        int heldOutScenes,
        int captionVariants,
        int teacherEpochs,
        StudentSpec teacherSpec,
        StudentSpec studentSpec,
        int batch,
        int distillEpochs,
        int qatSteps,
        double speedSeconds) {
    public static final int IMAGE_SIZE = 64;
    public static final int EMBEDDING_DIM = 128;
    /** How many times as wide as the student the default teacher's image tower is. */
    public static final int TEACHER_WIDTH = 4;

    public OfflineConfig {
        if (trainScenes < batch
                || heldOutScenes < 1
                || captionVariants < 1
                || teacherEpochs < 1
                || distillEpochs < 1
                || qatSteps < 1
                || batch < 4
                || !(speedSeconds > 0)) {
            throw new IllegalArgumentException(
                    "an offline evaluation needs at least one batch of training scenes, held-out scenes,"
                            + " caption variants, epochs and steps");
        }
    }

    public static OfflineConfig defaults(long seed) {
        return new OfflineConfig(seed, 8000, 4000, 4, 9, teacher(IMAGE_SIZE), student(IMAGE_SIZE), 64, 6, 200, 2.0);
    }

    /** A tiny run for CI: proves every phase runs and every figure is reported, not that the figures are good. */
    public static OfflineConfig quick(long seed) {
        StudentSpec small =
                new StudentSpec(IMAGE_SIZE, 8, List.of(new StudentSpec.Block(16, 2), new StudentSpec.Block(32, 2)), 32);
        StudentSpec wider = new StudentSpec(
                IMAGE_SIZE, 12, List.of(new StudentSpec.Block(24, 2), new StudentSpec.Block(48, 2)), 32);
        return new OfflineConfig(seed, 64, 32, 2, 1, wider, small, 16, 1, 4, 0.2);
    }

    /** The student of this evaluation: {@link StudentSpec#compact}, the distiller's default too. */
    static StudentSpec student(int size) {
        return StudentSpec.compact(size, EMBEDDING_DIM);
    }

    /** The teacher's image tower: the student's layout at four times the width, about 14× the parameters. */
    static StudentSpec teacher(int size) {
        return student(size).widened(TEACHER_WIDTH);
    }

    /**
     * The same evaluation with a teacher whose image tower is the student's layout {@code factor} times as wide (the
     * pointwise layers' parameters grow with the square). A different teacher, pretrained and cached under its own key.
     */
    public OfflineConfig withTeacherWidth(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("the teacher's width is a factor of at least 1, got " + factor);
        }
        return new OfflineConfig(
                seed,
                trainScenes,
                heldOutScenes,
                captionVariants,
                teacherEpochs,
                studentSpec.widened(factor),
                studentSpec,
                batch,
                distillEpochs,
                qatSteps,
                speedSeconds);
    }

    public OfflineConfig withTeacher(int scenes, int epochs) {
        return new OfflineConfig(
                seed,
                scenes,
                heldOutScenes,
                captionVariants,
                epochs,
                teacherSpec,
                studentSpec,
                batch,
                distillEpochs,
                qatSteps,
                speedSeconds);
    }

    public int embeddingDim() {
        return studentSpec.embeddingDim();
    }
}
