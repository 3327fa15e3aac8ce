package dev.edgevl.eval.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.model.teacher.CommittedTeacher;
import dev.edgevl.model.teacher.SyntheticTeacher;
import dev.edgevl.model.teacher.SyntheticTeacherFiles;
import dev.edgevl.model.zeroshot.LabelEncoder;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.sim.world.Shape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The teacher committed with the project is the one the current recipe would pretrain, and pretraining
 * code uses it instead of training it again — unless forced.
 */
class CommittedTeacherRecipeTest {
    private static final String REGENERATE =
            "./edgevl teacher pretrain --seed 1 --export " + CommittedTeacher.SOURCE_DIR;

    @TempDir
    Path cache;

    @Test
    void theCommittedTeacherIsTheOneTheCurrentRecipeTrains() {
        CommittedTeacher committed = CommittedTeacher.find().orElseThrow();
        OfflineConfig recipe = OfflineConfig.defaults(committed.seed());
        assertThat(committed.key())
                .as(
                        "The teacher recipe changed (its cache key is now %s) but the committed pretrained teacher is still the one of key %s."
                                + " Make it again with%n    %s%n(several minutes on two cores) and commit the files it writes.",
                        TeacherPretraining.key(recipe), committed.key(), REGENERATE)
                .isEqualTo(TeacherPretraining.key(recipe));
        assertThat(committed.provenance("scenes")).isEqualTo(Integer.toString(recipe.trainScenes()));
        assertThat(committed.provenance("epochs")).isEqualTo(Integer.toString(recipe.teacherEpochs()));
    }

    @Test
    void pretrainingTheDefaultConfigurationCopiesTheCommittedTeacherWithoutRenderingOrTraining() {
        OfflineConfig config = OfflineConfig.defaults(1);
        assertThat(TeacherPretraining.isCached(config, cache)).isTrue();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (SyntheticTeacher teacher = TeacherPretraining.obtain(
                config,
                () -> {
                    throw new AssertionError("the committed teacher needs no scenes");
                },
                cache,
                new PrintStream(log, true, StandardCharsets.UTF_8),
                false)) {
            assertThat(teacher.id()).isEqualTo("synthetic-clip@" + TeacherPretraining.key(config));
        }
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("not pretraining", "committed", "--force")
                .doesNotContain("epoch");
        assertThat(SyntheticTeacherFiles.isComplete(TeacherPretraining.cacheEntry(config, cache)))
                .isTrue();
    }

    @Test
    void theCommittedTeacherIsTrainedItsShapeAccuracyOnRgbIsFarAboveChance() {
        // A few hundred held-out scenes of the evaluation's own stream; the full evaluation reports the real figure.
        OfflineDataset data = OfflineDataset.generate(1, 1, 300, 1);
        try (SyntheticTeacher teacher = CommittedTeacher.find().orElseThrow().load()) {
            LabelSet labels = LabelEncoder.labelSet(teacher, Shape.defaultMix());
            ImageSet heldOut = data.heldOut();
            double rgb = Accuracy.top1(
                    teacher.encodeImages(heldOut.rgb(), heldOut.count(), heldOut.imageSize()),
                    labels,
                    data.truth().heldOut());
            assertThat(rgb)
                    .as("RGB shape top-1 of the committed teacher (chance %.0f%%)", 100.0 / labels.size())
                    .isGreaterThan(0.25);
        }
    }

    @Test
    void forcedPretrainingTrainsAgainAndReplacesTheCacheEntry() {
        OfflineConfig config = OfflineConfig.quick(5);
        OfflineDataset data = OfflineDataset.generate(
                config.seed(), config.trainScenes(), config.heldOutScenes(), config.captionVariants());
        TeacherPretraining.obtain(
                        config, data, cache, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .close();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream progress = new PrintStream(log, true, StandardCharsets.UTF_8);
        TeacherPretraining.obtain(config, () -> data, cache, progress, true).close();
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("teacher: epoch 1/1", "saved to")
                .doesNotContain("loading");
        assertThat(SyntheticTeacherFiles.isComplete(TeacherPretraining.cacheEntry(config, cache)))
                .isTrue();
    }
}
