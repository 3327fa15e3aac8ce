package dev.edgevl.model.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.model.zeroshot.Embeddings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pretrained teacher committed with the project: its files are the ones its provenance records, and it
 * loads and embeds, the same every time. (That it is the teacher of the current recipe is checked in bench,
 * where the recipe's cache key is computed.)
 */
class CommittedTeacherTest {
    private static final List<String> TEXTS =
            List.of("a photo of a cube", "a small red sphere on a grey floor", "a forklift");

    @TempDir
    Path cache;

    @Test
    void itsFilesAreTheOnesItsProvenanceRecords() throws IOException {
        CommittedTeacher committed = CommittedTeacher.find().orElseThrow();
        assertThat(committed.seed()).isEqualTo(1);
        assertThat(committed.key()).matches("[0-9a-f]{16}");
        assertThat(committed.id()).isEqualTo("synthetic-clip@" + committed.key());
        assertThat(committed.command()).isEqualTo("./edgevl teacher pretrain --seed 1");
        assertThat(List.of("date", "version", "seconds", "scenes", "epochs"))
                .allSatisfy(name -> assertThat(committed.provenance(name)).isNotBlank());
        for (String name : SyntheticTeacherFiles.FILES) {
            assertThat(committed.bytes(name)).as(name).isNotEmpty(); // bytes() checks the recorded SHA-256
        }
        Properties description = new Properties();
        try (Reader in = new java.io.InputStreamReader(
                new java.io.ByteArrayInputStream(committed.bytes(SyntheticTeacherFiles.DESCRIPTION)),
                StandardCharsets.UTF_8)) {
            description.load(in);
        }
        assertThat(description.getProperty("id")).isEqualTo(committed.id());
    }

    @Test
    void itLoadsAndEmbedsTheSameEveryTime() throws IOException {
        CommittedTeacher committed = CommittedTeacher.find().orElseThrow();
        float[] image = image(64);
        float[][] texts;
        float[] imageEmbedding;
        try (SyntheticTeacher teacher = committed.load()) {
            assertThat(teacher.id()).isEqualTo(committed.id());
            assertThat(teacher.dim()).isEqualTo(128);
            assertThat(teacher.imageSize()).isEqualTo(64);
            texts = teacher.encodeTexts(TEXTS);
            imageEmbedding = teacher.encodeImages(new float[][] {image})[0];
        }
        assertThat(texts).hasNumberOfRows(TEXTS.size());
        assertThat(List.of(texts))
                .allSatisfy(e -> assertThat(Embeddings.norm(e)).isCloseTo(1.0, within(1e-5)));
        assertThat(imageEmbedding).hasSize(128);
        assertThat(Embeddings.norm(imageEmbedding)).isCloseTo(1.0, within(1e-5));
        // Different words, different embeddings: the text tower is not constant.
        assertThat(Embeddings.cosine(texts[0], texts[1])).isLessThan(0.999);

        // Again from the jar, and from a copy in a cache: the very same numbers.
        Path dir = committed.copyTo(cache);
        assertThat(dir).isEqualTo(SyntheticTeacherFiles.directory(cache, committed.key()));
        assertThat(SyntheticTeacherFiles.isComplete(dir)).isTrue();
        for (SyntheticTeacher again : List.of(committed.load(), SyntheticTeacherFiles.load(dir))) {
            try (again) {
                assertThat(again.encodeTexts(TEXTS)).isDeepEqualTo(texts);
                assertThat(again.encodeImages(new float[][] {image})[0]).containsExactly(imageEmbedding);
            }
        }
        for (String name : SyntheticTeacherFiles.FILES) {
            assertThat(Files.readAllBytes(dir.resolve(name))).as(name).isEqualTo(committed.bytes(name));
        }
    }

    @Test
    void exportLaysATeacherOutAsTheCommittedOneWithItsProvenance(@TempDir Path target) throws IOException {
        Path entry = SyntheticTeacherFiles.directory(cache, "tiny");
        try (SyntheticTeacher teacher = TestTeachers.tiny(5)) {
            SyntheticTeacherFiles.save(teacher, entry);
        }
        CommittedTeacher.export(
                entry, target, new java.util.LinkedHashMap<>(java.util.Map.of("seed", "5", "key", "tiny")));
        Properties provenance = new Properties();
        try (Reader in = Files.newBufferedReader(target.resolve(CommittedTeacher.PROVENANCE), StandardCharsets.UTF_8)) {
            provenance.load(in);
        }
        assertThat(provenance.getProperty("seed")).isEqualTo("5");
        assertThat(provenance.getProperty("key")).isEqualTo("tiny");
        for (String name : SyntheticTeacherFiles.FILES) {
            byte[] bytes = Files.readAllBytes(target.resolve(name));
            assertThat(bytes).isEqualTo(Files.readAllBytes(entry.resolve(name)));
            assertThat(provenance.getProperty("sha256." + name)).isEqualTo(CommittedTeacher.sha256(bytes));
        }
        assertThat(SyntheticTeacherFiles.isComplete(target)).isTrue();
    }

    private static float[] image(int size) {
        Random random = new Random(11);
        float[] image = new float[3 * size * size];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextGaussian();
        }
        return image;
    }
}
