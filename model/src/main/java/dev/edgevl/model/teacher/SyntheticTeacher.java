package dev.edgevl.model.teacher;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.edgevl.model.clip.ClipPretrainer;
import dev.edgevl.model.clip.WordVocabulary;
import java.util.List;

/**
 * The synthetic world's CLIP-style teacher: an image tower and a text tower over a word vocabulary,
 * pretrained contrastively on RGB scenes and their captions (or, in tests, left as initialized from a
 * seed). Images are 3×S×S inputs preprocessed with the default normalisation at the recipe's size.
 *
 * <p>Calls are serialized on this object: one DJL model is not promised to run from several threads.
 */
public final class SyntheticTeacher implements TeacherModel {
    /** Images per forward pass, which bounds the memory one call takes. */
    private static final int SLICE = 256;

    private final ClipPretrainer towers;
    private final WordVocabulary vocabulary;
    private final TeacherRecipe recipe;
    private final String id;

    /**
     * @param towers the two towers, trained or about to be; this teacher closes them
     * @param id names the teacher and its revision, e.g. {@code synthetic-clip@3fa1c09e2b7d0a11}
     */
    public SyntheticTeacher(ClipPretrainer towers, WordVocabulary vocabulary, TeacherRecipe recipe, String id) {
        this.towers = towers;
        this.vocabulary = vocabulary;
        this.recipe = recipe;
        this.id = id;
    }

    /** Towers as initialized from {@code seed}, never trained: a real, deterministic and tiny teacher for tests. */
    public static SyntheticTeacher untrained(TeacherRecipe recipe, WordVocabulary vocabulary, int seed) {
        return new SyntheticTeacher(
                recipe.towers(vocabulary.size(), 1e-3f, 1, 0.07f, seed),
                vocabulary,
                recipe,
                "synthetic-clip-untrained@" + seed);
    }

    @Override
    public synchronized float[][] encodeImages(float[][] images) {
        int p = pixels();
        float[] packed = new float[images.length * p];
        for (int i = 0; i < images.length; i++) {
            if (images[i].length != p) {
                throw new IllegalArgumentException("Image " + i + " has " + images[i].length + " values but teacher "
                        + id + " takes 3x" + imageSize() + "x" + imageSize() + " = " + p
                        + " CHW floats; preprocess frames to this teacher's imageSize.");
            }
            System.arraycopy(images[i], 0, packed, i * p, p);
        }
        return encodeImages(packed, images.length, imageSize());
    }

    /** Unit-norm embeddings of {@code count} images packed one after another, encoded a slice at a time to bound memory. */
    public synchronized float[][] encodeImages(float[] images, int count, int imageSize) {
        if (imageSize != imageSize()) {
            throw new IllegalArgumentException("Teacher " + id + " takes " + imageSize() + "x" + imageSize()
                    + " images, not " + imageSize + "x" + imageSize + ".");
        }
        int p = pixels();
        float[][] out = new float[count][];
        for (int start = 0; start < count; start += SLICE) {
            int n = Math.min(SLICE, count - start);
            float[] part = new float[n * p];
            System.arraycopy(images, start * p, part, 0, n * p);
            System.arraycopy(towers.encodeImages(part, n), 0, out, start, n);
        }
        return out;
    }

    @Override
    public synchronized float[][] encodeTexts(List<String> texts) {
        int length = recipe.contextLength();
        int[] tokens = new int[texts.size() * length];
        for (int i = 0; i < texts.size(); i++) {
            System.arraycopy(vocabulary.encode(texts.get(i), length), 0, tokens, i * length, length);
        }
        return towers.encodeTexts(tokens, texts.size());
    }

    @Override
    public int dim() {
        return recipe.embeddingDim();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int imageSize() {
        return recipe.imageSize();
    }

    public TeacherRecipe recipe() {
        return recipe;
    }

    public long imageParameters() {
        return count(towers.imageModel().getBlock());
    }

    public long textParameters() {
        return count(towers.textModel().getBlock());
    }

    /** Learnt parameters; batch-norm running statistics are estimated, not learnt, and not counted. */
    static long count(Block block) {
        return block.getParameters().values().stream()
                .filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getArray().size())
                .sum();
    }

    /** The towers, for the pretraining loop that updates them. */
    public ClipPretrainer towers() {
        return towers;
    }

    public WordVocabulary vocabulary() {
        return vocabulary;
    }

    private int pixels() {
        return 3 * imageSize() * imageSize();
    }

    @Override
    public void close() {
        towers.close();
    }
}
