package dev.edgevl.model.teacher;

import ai.djl.nn.Block;
import dev.edgevl.model.clip.ClipPretrainer;
import dev.edgevl.model.clip.TextTower;
import dev.edgevl.model.student.StudentNetwork;
import dev.edgevl.model.student.StudentSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The shape of the synthetic teacher's two towers: the image tower (the student's layout, wider) and the
 * text tower's sizes. Saved next to the weights, so a teacher directory can be loaded without knowing
 * how it was trained.
 *
 * @param image the image tower; its input size is the teacher's image size, its embedding size the teacher's
 * @param contextLength words per text the text tower reads; longer texts are cut
 * @param wordDim the text tower's per-word embedding width
 * @param hiddenDim the text tower's hidden layer width
 */
public record TeacherRecipe(StudentSpec image, int contextLength, int wordDim, int hiddenDim) {
    public static final int CONTEXT_LENGTH = 16;
    public static final int WORD_DIM = 32;
    public static final int HIDDEN_DIM = 256;

    public TeacherRecipe {
        if (contextLength < 1 || wordDim < 1 || hiddenDim < 1) {
            throw new IllegalArgumentException(
                    "A text tower needs a context length, a word width and a hidden width of at least 1.");
        }
    }

    /** The project's text tower sizes around an image tower. */
    public static TeacherRecipe of(StudentSpec image) {
        return new TeacherRecipe(image, CONTEXT_LENGTH, WORD_DIM, HIDDEN_DIM);
    }

    public int imageSize() {
        return image.inputSize();
    }

    public int embeddingDim() {
        return image.embeddingDim();
    }

    /** Freshly initialized towers from {@code seed}, ready to train at {@code learningRate} for {@code steps} steps. */
    public ClipPretrainer towers(int vocabularySize, float learningRate, int steps, float temperature, int seed) {
        Block imageTower = StudentNetwork.build(image);
        TextTower text = new TextTower(vocabularySize, contextLength, wordDim, hiddenDim, image.embeddingDim());
        return new ClipPretrainer(
                imageTower,
                text,
                image.inputSize(),
                contextLength,
                learningRate,
                Math.max(1, steps),
                temperature,
                seed);
    }

    /** As properties, for the file beside the weights. */
    Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("image.input-size", Integer.toString(image.inputSize()));
        p.put("image.stem-channels", Integer.toString(image.stemChannels()));
        p.put(
                "image.blocks",
                image.blocks().stream()
                        .map(b -> b.channels() + "/" + b.stride())
                        .collect(Collectors.joining(",")));
        p.put("embedding-dim", Integer.toString(image.embeddingDim()));
        p.put("text.context-length", Integer.toString(contextLength));
        p.put("text.word-dim", Integer.toString(wordDim));
        p.put("text.hidden-dim", Integer.toString(hiddenDim));
        return p;
    }

    /** @throws IllegalArgumentException naming the missing or unreadable entry */
    static TeacherRecipe fromProperties(Map<String, String> p) {
        List<StudentSpec.Block> blocks = new ArrayList<>();
        for (String block : required(p, "image.blocks").split(",")) {
            String[] parts = block.trim().split("/");
            if (parts.length != 2) {
                throw new IllegalArgumentException(
                        "image.blocks must list channels/stride pairs, not '" + block + "'.");
            }
            blocks.add(new StudentSpec.Block(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
        }
        StudentSpec image = new StudentSpec(
                number(p, "image.input-size"), number(p, "image.stem-channels"), blocks, number(p, "embedding-dim"));
        return new TeacherRecipe(
                image, number(p, "text.context-length"), number(p, "text.word-dim"), number(p, "text.hidden-dim"));
    }

    private static int number(Map<String, String> p, String key) {
        try {
            return Integer.parseInt(required(p, key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + p.get(key) + "'.", e);
        }
    }

    private static String required(Map<String, String> p, String key) {
        String value = p.get(key);
        if (value == null) {
            throw new IllegalArgumentException("the entry " + key + " is missing");
        }
        return value;
    }
}
