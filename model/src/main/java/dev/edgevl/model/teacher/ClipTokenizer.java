package dev.edgevl.model.teacher;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns texts into fixed-length rows of token ids the way OpenAI's {@code clip.tokenize(truncate=True)}
 * does: start token, the text's tokens cut to fit, end token, then padding.
 *
 * <p>The framing is done here rather than by the tokenizer.json post-processor and padding settings
 * because exports differ in what those contain (HuggingFace's CLIP tokenizer pads with the end token,
 * OpenAI's with 0) and CLIP's text tower reads the end token's position, so it must be exactly one
 * per row, always last when a text is truncated. Thread-safe: the native tokenizer does not mutate.
 */
public final class ClipTokenizer implements AutoCloseable {

    // The file's own post-processor, truncation and padding are switched off; see the class comment.
    private static final Map<String, String> RAW_TOKENS =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final HuggingFaceTokenizer tokenizer;
    private final int contextLength;
    private final long startId;
    private final long endId;
    private final long padId;

    private ClipTokenizer(HuggingFaceTokenizer tokenizer, int contextLength, long startId, long endId, long padId) {
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.startId = startId;
        this.endId = endId;
        this.padId = padId;
    }

    /** Loads the tokenizer a teacher config names, with its framing. */
    public static ClipTokenizer load(ClipTeacherConfig config) {
        Path file = Files.isDirectory(config.tokenizer())
                ? config.tokenizer().resolve("tokenizer.json")
                : config.tokenizer();
        if (!Files.isRegularFile(file)) {
            throw new TeacherLoadException("The tokenizer file " + file + " does not exist; CLIP exports ship a"
                    + " tokenizer.json next to the model, point tokenizerPath at it.");
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(file, RAW_TOKENS);
        } catch (IOException | RuntimeException e) {
            throw new TeacherLoadException(
                    "The tokenizer file " + file + " is not a HuggingFace tokenizer.json that"
                            + " this tokenizers library can read (" + ErrorText.summary(e) + ").",
                    e);
        }
        try {
            long start = singleTokenId(tokenizer, config.startToken(), file);
            long end = singleTokenId(tokenizer, config.endToken(), file);
            return new ClipTokenizer(tokenizer, config.contextLength(), start, end, config.padTokenId());
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** One row of exactly {@link #contextLength()} ids per text. */
    public long[][] encode(List<String> texts) {
        if (texts.isEmpty()) {
            return new long[0][];
        }
        Encoding[] encodings = tokenizer.batchEncode(texts, false, false);
        long[][] rows = new long[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            rows[i] = frame(encodings[i].getIds());
        }
        return rows;
    }

    public int contextLength() {
        return contextLength;
    }

    private long[] frame(long[] ids) {
        int kept = Math.min(ids.length, contextLength - 2);
        long[] row = new long[contextLength];
        Arrays.fill(row, padId);
        row[0] = startId;
        System.arraycopy(ids, 0, row, 1, kept);
        row[kept + 1] = endId;
        return row;
    }

    private static long singleTokenId(HuggingFaceTokenizer tokenizer, String token, Path file) {
        Encoding encoding = tokenizer.encode(token, false, false);
        if (encoding.getIds().length != 1 || !token.equals(encoding.getTokens()[0])) {
            throw new TeacherLoadException("The tokenizer " + file + " has no single token '" + token + "' (it splits"
                    + " into " + Arrays.toString(encoding.getTokens()) + "); set startToken and endToken to the special"
                    + " tokens this model was trained with.");
        }
        return encoding.getIds()[0];
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
