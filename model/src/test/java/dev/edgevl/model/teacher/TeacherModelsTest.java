package dev.edgevl.model.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.config.ConfigException;
import dev.edgevl.config.Settings;
import dev.edgevl.model.zeroshot.Embeddings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherModelsTest {
    /** The TorchScript CLIP fixture of the model module's tests (surefire sets the property). */
    private static final Path CLIP_FIXTURE =
            Path.of(System.getProperty("clip.fixture", "../model/src/test/resources/clip-fixture"));

    @TempDir
    Path cache;

    @Test
    void aSyntheticTeacherAtTeacherPathEmbedsAsItDidBeforeSaving() {
        List<String> texts = List.of("a photo of a cube", "there is a torus on the floor");
        float[][] before;
        try (SyntheticTeacher teacher = TestTeachers.tiny(3)) {
            before = teacher.encodeTexts(texts);
            SyntheticTeacherFiles.save(teacher, SyntheticTeacherFiles.directory(cache, "abc"));
        }

        Path dir = SyntheticTeacherFiles.directory(cache, "abc");
        try (TeacherModel loaded = TeacherModels.load(Settings.of(Map.of("teacher.path", dir.toString())))) {
            assertThat(loaded.id()).isEqualTo("synthetic-clip-untrained@3");
            assertThat(loaded.imageSize()).isEqualTo(TestTeachers.IMAGE_SIZE);
            assertThat(loaded.dim()).isEqualTo(TestTeachers.DIM);
            float[][] after = loaded.encodeTexts(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(Embeddings.cosine(after[i], before[i])).isGreaterThan(0.99999);
            }
        }
    }

    @Test
    void withoutTeacherPathTheCommittedTeacherIsLoadedWhateverTheCacheHolds() {
        // What 'edgevl eval offline --seed 4242' leaves behind: another, newer teacher in the default cache.
        try (SyntheticTeacher other = TestTeachers.tiny(4242)) {
            SyntheticTeacherFiles.save(other, SyntheticTeacherFiles.directory(cache, "other"));
        }
        CommittedTeacher committed = CommittedTeacher.find().orElseThrow();
        try (TeacherModel loaded = TeacherModels.load(Settings.of(Map.of("teacher.cache.dir", cache.toString())))) {
            assertThat(loaded.id()).isEqualTo(committed.id());
            assertThat(loaded.dim()).isEqualTo(128);
        }
        assertThat(cache.resolve(
                        SyntheticTeacherFiles.directory(cache, committed.key()).getFileName()))
                .as("the cache is left alone")
                .doesNotExist();
    }

    @Test
    void aTeacherPathWithoutATeacherSaysHowToMakeOne() {
        assertThatThrownBy(() -> TeacherModels.load(Settings.of(Map.of("teacher.path", cache.toString()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no complete synthetic teacher in " + cache)
                .hasMessageContaining("edgevl teacher pretrain");
    }

    @Test
    void aTorchScriptClipLoadsFromItsFileWithTheTokenizerBesideIt() {
        Settings settings = Settings.of(Map.of(
                "teacher.kind",
                "torchscript",
                "teacher.path",
                CLIP_FIXTURE.resolve("clip-fixture.pt").toString()));
        try (TeacherModel clip = TeacherModels.load(settings)) {
            assertThat(clip.id()).startsWith("clip-fixture@");
            float[] embedding = clip.encodeTexts(List.of("a photo of a cube"))[0];
            assertThat(Embeddings.norm(embedding)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        }
        assertThat(TeacherConfig.from(settings).inputSpec(224).mean())
                .containsExactly(dev.edgevl.model.preprocess.InputSpec.CLIP_MEAN);
    }

    @Test
    void aDirectoryWithSeveralModelsIsRefusedByName() {
        Settings settings = Settings.of(Map.of("teacher.kind", "torchscript", "teacher.path", CLIP_FIXTURE.toString()));
        assertThatThrownBy(() -> TeacherModels.load(settings))
                .isInstanceOf(TeacherLoadException.class)
                .hasMessageContaining("holds 2 .pt files")
                .hasMessageContaining("clip-fixture.pt")
                .hasMessageContaining("no-text-tower.pt");
    }

    @Test
    void aTorchScriptTeacherNeedsAPath() {
        assertThatThrownBy(() -> TeacherConfig.from(Settings.of(Map.of("teacher.kind", "torchscript"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("teacher.path");
    }
}
