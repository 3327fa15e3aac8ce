package dev.edgevl.model.clip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The synthetic teacher's tokenizer: whole lower-case words, a fixed vocabulary, ids 0 = padding and
 * 1 = unknown. The synthetic world's captions use a few dozen words, so anything cleverer would only
 * add ways to be wrong; a real CLIP brings its own tokenizer instead.
 */
public final class WordVocabulary {
    public static final int PAD = 0;
    public static final int UNKNOWN = 1;

    private final List<String> words;
    private final Map<String, Integer> ids = new HashMap<>();

    private WordVocabulary(List<String> words) {
        this.words = List.copyOf(words);
        for (int i = 0; i < this.words.size(); i++) {
            ids.put(this.words.get(i), i + 2);
        }
    }

    /** A vocabulary of every word in {@code texts}, in sorted order so it does not depend on the order texts come in. */
    public static WordVocabulary of(Collection<String> texts) {
        TreeSet<String> all = new TreeSet<>();
        texts.forEach(t -> all.addAll(split(t)));
        return new WordVocabulary(new ArrayList<>(all));
    }

    public static WordVocabulary ofWords(List<String> words) {
        return new WordVocabulary(words);
    }

    static List<String> split(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+"))
                .filter(w -> !w.isEmpty())
                .toList();
    }

    /** Token ids of {@code text}, cut or padded to {@code length}. */
    public int[] encode(String text, int length) {
        int[] out = new int[length];
        List<String> tokens = split(text);
        for (int i = 0; i < Math.min(length, tokens.size()); i++) {
            out[i] = ids.getOrDefault(tokens.get(i), UNKNOWN);
        }
        return out;
    }

    /** Ids for padding and unknown words included. */
    public int size() {
        return words.size() + 2;
    }

    /** The words, for saving next to the weights. */
    public List<String> words() {
        return words;
    }
}
