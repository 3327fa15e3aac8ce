package dev.edgevl.bench.offline;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.edgevl.model.clip.ClipPretrainer;
import dev.edgevl.model.clip.WordVocabulary;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.model.zeroshot.LabelSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pretrained synthetic teacher: its two towers, its vocabulary, and zero-shot label embeddings from prompts. */
public final class SyntheticTeacher implements AutoCloseable {
    private final ClipPretrainer towers;
    private final WordVocabulary vocabulary;
    private final int contextLength;

    SyntheticTeacher(ClipPretrainer towers, WordVocabulary vocabulary, int contextLength) {
        this.towers = towers;
        this.vocabulary = vocabulary;
        this.contextLength = contextLength;
    }

    /** Unit-norm embeddings of {@code count} images, encoded a slice at a time to bound memory. */
    public float[][] encodeImages(float[] images, int count, int imageSize) {
        int p = ImageSet.pixels(imageSize);
        float[][] out = new float[count][];
        int slice = 256;
        for (int start = 0; start < count; start += slice) {
            int n = Math.min(slice, count - start);
            float[] part = new float[n * p];
            System.arraycopy(images, start * p, part, 0, n * p);
            float[][] rows = towers.encodeImages(part, n);
            System.arraycopy(rows, 0, out, start, n);
        }
        return out;
    }

    public float[][] encodeTexts(List<String> texts) {
        int[] tokens = new int[texts.size() * contextLength];
        for (int i = 0; i < texts.size(); i++) {
            System.arraycopy(vocabulary.encode(texts.get(i), contextLength), 0, tokens, i * contextLength, contextLength);
        }
        return towers.encodeTexts(tokens, texts.size());
    }

    /** Each shape's embedding: its prompt templates' text embeddings averaged, as CLIP builds a zero-shot classifier. */
    public LabelSet labels(List<String> labels) {
        Map<String, float[]> embeddings = new LinkedHashMap<>();
        for (String label : labels) {
            float[][] perTemplate = encodeTexts(Prompts.templates(label));
            embeddings.put(label, Embeddings.averagePromptEmbeddings(new ArrayList<>(List.of(perTemplate))));
        }
        return LabelSet.of(embeddings);
    }

    public long imageParameters() {
        return count(towers.imageModel().getBlock());
    }

    public long textParameters() {
        return count(towers.textModel().getBlock());
    }

    /** Learnt parameters; batch-norm running statistics are estimated, not learnt, and not counted. */
    static long count(Block block) {
        return block.getParameters().values().stream().filter(Parameter::requiresGradient).mapToLong(p -> p.getArray().size()).sum();
    }

    ClipPretrainer towers() {
        return towers;
    }

    WordVocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public void close() {
        towers.close();
    }
}
