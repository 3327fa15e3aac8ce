package dev.edgevl.model.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the tiny CLIP-shaped fixture written by {@code src/test/fixtures/make_clip_fixture.py} with
 * Debian's PyTorch 1.13 and checks that libtorch (through DJL) gives the embeddings PyTorch gave.
 */
class TorchScriptClipTeacherTest {

    private static final double TOLERANCE = 1e-4;

    private static Path fixtures;
    private static JsonNode expected;
    private static TorchScriptClipTeacher teacher;

    @BeforeAll
    static void loadFixture() throws IOException, URISyntaxException {
        fixtures = Path.of(TorchScriptClipTeacherTest.class
                        .getResource("/clip-fixture/clip-fixture.pt")
                        .toURI())
                .getParent();
        expected = new ObjectMapper().readTree(fixtures.resolve("expected.json").toFile());
        teacher = TorchScriptClipTeacher.load(fixtureConfig().build());
    }

    @AfterAll
    static void close() {
        teacher.close();
    }

    private static ClipTeacherConfig.Builder fixtureConfig() {
        return ClipTeacherConfig.builder()
                .modelPath(fixtures.resolve("clip-fixture.pt"))
                .tokenizerPath(fixtures.resolve("tokenizer.json"));
    }

    @Test
    void probesSizesAndNamesTheRevisionByTheFilesHash() throws Exception {
        String sha = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(fixtures.resolve("clip-fixture.pt"))));

        assertThat(teacher.dim()).isEqualTo(expected.get("dim").asInt());
        assertThat(teacher.imageSize()).isEqualTo(expected.get("image_size").asInt());
        assertThat(teacher.contextLength())
                .isEqualTo(expected.get("context_length").asInt());
        assertThat(teacher.id()).isEqualTo("clip-fixture@" + sha.substring(0, 12));
    }

    @Test
    void imageEmbeddingsMatchPyTorch() {
        float[][] images = floats(expected.get("images"));

        float[][] embeddings = teacher.encodeImages(images);

        assertMatches(embeddings, floats(expected.get("image_embeddings")));
    }

    @Test
    void textEmbeddingsMatchPyTorch() {
        float[][] embeddings = teacher.encodeTexts(texts());

        assertMatches(embeddings, floats(expected.get("text_embeddings")));
    }

    @Test
    void tokenizesLikeClipWithStartEndPaddingAndTruncation() {
        long[][] tokens = teacher.tokenize(texts());

        JsonNode want = expected.get("text_tokens");
        for (int i = 0; i < tokens.length; i++) {
            assertThat(tokens[i]).hasSize(77);
            for (int k = 0; k < tokens[i].length; k++) {
                assertThat(tokens[i][k])
                        .as("text %d token %d", i, k)
                        .isEqualTo(want.get(i).get(k).asLong());
            }
        }
        long end = tokens[2][76];
        assertThat(tokens[0]).containsOnlyOnce(end);
        assertThat(tokens[0][76]).as("short text padded with 0").isZero();
    }

    @Test
    void largeBatchesAreSplitAndComeBackInOrder() {
        float[][] images = floats(expected.get("images"));
        float[][] many = new float[5][];
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < many.length; i++) {
            many[i] = images[i % 2];
            texts.add(texts().get(i % 3));
        }
        try (TorchScriptClipTeacher small =
                TorchScriptClipTeacher.load(fixtureConfig().maxBatchSize(2).build())) {
            float[][] imageEmbeddings = small.encodeImages(many);
            float[][] textEmbeddings = small.encodeTexts(texts);

            assertThat(imageEmbeddings).hasNumberOfRows(5);
            assertThat(textEmbeddings).hasNumberOfRows(5);
            for (int i = 0; i < 5; i++) {
                assertMatches(
                        new float[][] {imageEmbeddings[i]},
                        new float[][] {floats(expected.get("image_embeddings"))[i % 2]});
                assertMatches(
                        new float[][] {textEmbeddings[i]},
                        new float[][] {floats(expected.get("text_embeddings"))[i % 3]});
            }
        }
        assertThat(teacher.encodeImages(new float[0][])).isEmpty();
        assertThat(teacher.encodeTexts(List.of())).isEmpty();
    }

    @Test
    void loadsFromAFileUrlWithTheConfiguredSizeAndName() {
        ClipTeacherConfig config = ClipTeacherConfig.builder()
                .modelUrl(fixtures.resolve("clip-fixture.pt").toUri().toString())
                .tokenizerPath(fixtures)
                .name("tiny-clip")
                .imageSize(48)
                .embeddingDim(32)
                .build();
        try (TorchScriptClipTeacher fromUrl = TorchScriptClipTeacher.load(config)) {
            assertThat(fromUrl.id())
                    .startsWith("tiny-clip@")
                    .isEqualTo(teacher.id().replace("clip-fixture", "tiny-clip"));
            assertThat(fromUrl.imageSize()).isEqualTo(48);
            assertThat(fromUrl.encodeImages(new float[][] {new float[3 * 48 * 48]})[0])
                    .hasSize(32);
        }
    }

    @Test
    void rejectsImagesOfTheWrongSizeInASentence() {
        assertThatThrownBy(() -> teacher.encodeImages(new float[][] {new float[3 * 32 * 32], new float[3 * 16 * 16]}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Image 1 has 768 values but teacher clip-fixture@")
                .hasMessageContaining("takes 3x32x32 = 3072 CHW floats");
    }

    @Test
    void explainsAMissingModelFile(@TempDir Path dir) {
        assertThatThrownBy(() -> TorchScriptClipTeacher.load(
                        fixtureConfig().modelPath(dir.resolve("clip.pt")).build()))
                .isInstanceOf(TeacherLoadException.class)
                .hasMessage("The teacher model file " + dir.resolve("clip.pt") + " does not exist; export your CLIP to"
                        + " TorchScript (see the README) and point modelPath at the .pt file.");
    }

    @Test
    void explainsAMissingTokenizer(@TempDir Path dir) {
        assertThatThrownBy(() -> TorchScriptClipTeacher.load(
                        fixtureConfig().tokenizerPath(dir).build()))
                .isInstanceOf(TeacherLoadException.class)
                .hasMessage(
                        "The tokenizer file " + dir.resolve("tokenizer.json") + " does not exist; CLIP exports ship a"
                                + " tokenizer.json next to the model, point tokenizerPath at it.");
    }

    @Test
    void explainsThatARemoteModelMustBeAnArchive() {
        assertThatThrownBy(() -> TorchScriptClipTeacher.load(fixtureConfig()
                        .modelUrl("https://models.example/clip-vit-b32.pt")
                        .build()))
                .isInstanceOf(TeacherLoadException.class)
                .hasMessageStartingWith("The teacher model URL https://models.example/clip-vit-b32.pt does not name a"
                        + " .zip, .tar.gz, .tgz or .tar archive");
    }

    @Test
    void explainsAFileThatIsNotTorchScript(@TempDir Path dir) throws IOException {
        Path notAModel = Files.writeString(dir.resolve("clip.pt"), "these are not the weights you are looking for");

        assertThatThrownBy(() -> TorchScriptClipTeacher.load(
                        fixtureConfig().modelPath(notAModel).build()))
                .isInstanceOf(TeacherLoadException.class)
                .hasMessageStartingWith("The teacher model " + notAModel + " is not a TorchScript module")
                .hasMessageEndingWith("save it with torch.jit.save, not torch.save.");
    }

    @Test
    void explainsAMissingMethod() {
        Path imageOnly = fixtures.resolve("no-text-tower.pt");

        assertThatThrownBy(() -> TorchScriptClipTeacher.load(
                        fixtureConfig().modelPath(imageOnly).imageSize(8).build()))
                .isInstanceOf(TeacherLoadException.class)
                .hasMessage("The teacher model " + imageOnly + " has no method encode_text; the export must mark it"
                        + " with @torch.jit.export (see the README).");
    }

    @Test
    void explainsAnEmbeddingSizeOtherThanConfigured() {
        assertThatThrownBy(() -> TorchScriptClipTeacher.load(
                        fixtureConfig().embeddingDim(512).build()))
                .isInstanceOf(TeacherLoadException.class)
                .hasMessageEndingWith("gives 32-dimensional embeddings, not the configured 512; fix embeddingDim or the"
                        + " model path.");
    }

    @Test
    void explainsAContextLengthTheModelCannotTake() {
        assertThatThrownBy(() -> TorchScriptClipTeacher.load(
                        fixtureConfig().contextLength(80).build()))
                .isInstanceOf(TeacherLoadException.class)
                .hasMessageContaining("does not take 80 tokens per text (The teacher's encode_text rejected an input of"
                        + " shape (1, 80): The size of tensor a (80) must match the size of tensor b (77)")
                .hasMessageEndingWith("set contextLength to the model's.");
    }

    @Test
    void explainsATokenizerWithoutTheStartToken() {
        assertThatThrownBy(() -> TorchScriptClipTeacher.load(
                        fixtureConfig().startToken("<s>").build()))
                .isInstanceOf(TeacherLoadException.class)
                .hasMessageContaining("has no single token '<s>'")
                .hasMessageEndingWith("set startToken and endToken to the special tokens this model was trained with.");
    }

    @Test
    void refusesCallsAfterClose() {
        TorchScriptClipTeacher closed =
                TorchScriptClipTeacher.load(fixtureConfig().build());
        closed.close();

        assertThatThrownBy(() -> closed.encodeTexts(List.of("a cube")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Teacher " + closed.id() + " is closed.");
    }

    private static List<String> texts() {
        List<String> texts = new ArrayList<>();
        expected.get("texts").forEach(t -> texts.add(t.asText()));
        return texts;
    }

    private static float[][] floats(JsonNode rows) {
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = rows.get(i);
            out[i] = new float[row.size()];
            for (int k = 0; k < out[i].length; k++) {
                out[i][k] = (float) row.get(k).asDouble();
            }
        }
        return out;
    }

    private static void assertMatches(float[][] actual, float[][] want) {
        assertThat(actual).hasNumberOfRows(want.length);
        for (int i = 0; i < want.length; i++) {
            double norm = 0;
            for (int k = 0; k < want[i].length; k++) {
                assertThat(actual[i][k]).as("row %d, dimension %d", i, k).isCloseTo(want[i][k], within((float)
                        TOLERANCE));
                norm += actual[i][k] * actual[i][k];
            }
            assertThat(Math.sqrt(norm)).as("norm of row %d", i).isCloseTo(1.0, within(TOLERANCE));
        }
    }
}
