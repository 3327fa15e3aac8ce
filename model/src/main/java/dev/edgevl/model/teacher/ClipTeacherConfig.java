package dev.edgevl.model.teacher;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a TorchScript CLIP and its tokenizer live and how to drive them. Defaults are OpenAI CLIP's.
 *
 * @param model the TorchScript file as a {@code file:} URI, or the URL of a .zip/.tar.gz archive holding
 *     {@code <archive name>.pt}, which DJL downloads into its cache
 * @param tokenizer the model's HuggingFace {@code tokenizer.json}, or a folder holding one
 * @param name the first half of {@link TeacherModel#id()}; defaults to the model file's name
 * @param contextLength token ids per text, start and end tokens included (CLIP: 77)
 * @param imageSize input width = height; 0 asks the model's {@code image_size()} method, else 224
 * @param embeddingDim the expected embedding length; 0 accepts whatever the model returns
 * @param startToken the token put before every text
 * @param endToken the token put after every text; CLIP pools the text at it
 * @param padTokenId the id that fills the rest of the context ({@code clip.tokenize} pads with 0)
 * @param device the DJL device name, {@code cpu} unless a GPU engine is on the classpath
 * @param maxBatchSize the largest batch sent to libtorch at once; bigger inputs are split
 */
public record ClipTeacherConfig(
        URI model,
        Path tokenizer,
        String name,
        int contextLength,
        int imageSize,
        int embeddingDim,
        String startToken,
        String endToken,
        long padTokenId,
        String device,
        int maxBatchSize) {

    public static final int CLIP_CONTEXT_LENGTH = 77;
    public static final int CLIP_IMAGE_SIZE = 224;
    public static final String CLIP_START_TOKEN = "<|startoftext|>";
    public static final String CLIP_END_TOKEN = "<|endoftext|>";

    public ClipTeacherConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(startToken, "startToken");
        Objects.requireNonNull(endToken, "endToken");
        Objects.requireNonNull(device, "device");
        if (contextLength < 3) {
            throw new IllegalArgumentException("contextLength must leave room for the start token, the end token and"
                    + " at least one word, but is " + contextLength + ".");
        }
        if (imageSize < 0 || embeddingDim < 0) {
            throw new IllegalArgumentException("imageSize and embeddingDim must be positive, or 0 to ask the model.");
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, but is " + maxBatchSize + ".");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The model file's local path, or null when it is a remote URL. */
    Path localModelPath() {
        return "file".equalsIgnoreCase(model.getScheme()) ? Path.of(model) : null;
    }

    public static final class Builder {
        private URI model;
        private Path tokenizer;
        private String name;
        private int contextLength = CLIP_CONTEXT_LENGTH;
        private int imageSize;
        private int embeddingDim;
        private String startToken = CLIP_START_TOKEN;
        private String endToken = CLIP_END_TOKEN;
        private long padTokenId;
        private String device = "cpu";
        private int maxBatchSize = 64;

        private Builder() {}

        public Builder modelPath(Path path) {
            this.model = path.toAbsolutePath().toUri();
            return this;
        }

        /** A {@code file:} URL, read in place, or an http(s) URL of an archive, fetched into DJL's cache. */
        public Builder modelUrl(String url) {
            this.model = URI.create(url);
            return this;
        }

        public Builder tokenizerPath(Path path) {
            this.tokenizer = path;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder contextLength(int contextLength) {
            this.contextLength = contextLength;
            return this;
        }

        public Builder imageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        public Builder embeddingDim(int embeddingDim) {
            this.embeddingDim = embeddingDim;
            return this;
        }

        public Builder startToken(String startToken) {
            this.startToken = startToken;
            return this;
        }

        public Builder endToken(String endToken) {
            this.endToken = endToken;
            return this;
        }

        public Builder padTokenId(long padTokenId) {
            this.padTokenId = padTokenId;
            return this;
        }

        public Builder device(String device) {
            this.device = device;
            return this;
        }

        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        public ClipTeacherConfig build() {
            if (model == null || tokenizer == null) {
                throw new IllegalStateException(
                        "A CLIP teacher needs both a model (modelPath or modelUrl) and a tokenizer"
                                + " (tokenizerPath).");
            }
            String resolvedName = name != null ? name : nameFrom(model);
            return new ClipTeacherConfig(
                    model,
                    tokenizer,
                    resolvedName,
                    contextLength,
                    imageSize,
                    embeddingDim,
                    startToken,
                    endToken,
                    padTokenId,
                    device,
                    maxBatchSize);
        }

        private static String nameFrom(URI model) {
            String path = model.getPath() != null ? model.getPath() : model.getSchemeSpecificPart();
            String file = path.substring(path.lastIndexOf('/') + 1);
            String stem = file.endsWith(".tar.gz") ? file.substring(0, file.length() - ".tar.gz".length()) : file;
            int dot = stem.lastIndexOf('.');
            stem = dot > 0 ? stem.substring(0, dot) : stem;
            return stem.isEmpty() ? "clip" : stem;
        }
    }
}
