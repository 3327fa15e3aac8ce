package dev.edgevl.model.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real CLIP, exported by the user as one TorchScript file with {@code encode_image(Tensor[N,3,S,S])}
 * and {@code encode_text(Tensor[N,L] int64)}, plus the model's HuggingFace {@code tokenizer.json}.
 *
 * <p>At load the image size comes from the config, else from an exported {@code image_size()}, else
 * CLIP's 224; both towers are then run once on a blank input, which finds the embedding size and
 * fails early, in a sentence, on a missing method or a size the model cannot take.
 *
 * <p>Calls are serialized on this object: DJL does not promise that one libtorch module may run
 * from several threads at once, and libtorch already spreads a batch over its own threads. A service
 * that wants calls in parallel loads one teacher per worker.
 */
public final class TorchScriptClipTeacher implements TeacherModel {

    private static final Logger LOG = LoggerFactory.getLogger(TorchScriptClipTeacher.class);
    private static final String ENCODE_IMAGE = "encode_image";
    private static final String ENCODE_TEXT = "encode_text";
    private static final String IMAGE_SIZE = "image_size";
    private static final int REVISION_HEX_DIGITS = 12;

    private final TorchScriptModule module;
    private final ClipTokenizer tokenizer;
    private final String id;
    private final int imageSize;
    private final int dim;
    private final int maxBatchSize;
    private boolean closed;

    private TorchScriptClipTeacher(TorchScriptModule module, ClipTokenizer tokenizer, ClipTeacherConfig config) {
        this.module = module;
        this.tokenizer = tokenizer;
        this.maxBatchSize = config.maxBatchSize();
        this.imageSize = config.imageSize() > 0 ? config.imageSize() : probeImageSize(module);
        this.dim = probeDim(config);
        this.id = config.name() + "@" + module.sha256().substring(0, REVISION_HEX_DIGITS);
    }

    /** Loads the model and tokenizer a config names; throws {@link TeacherLoadException} saying what is wrong. */
    public static TorchScriptClipTeacher load(ClipTeacherConfig config) {
        long started = System.nanoTime();
        ClipTokenizer tokenizer = ClipTokenizer.load(config);
        TorchScriptModule module = null;
        try {
            module = TorchScriptModule.load(config);
            TorchScriptClipTeacher teacher = new TorchScriptClipTeacher(module, tokenizer, config);
            LOG.info(
                    "Loaded teacher {} from {}: {}x{} images, {} tokens per text, {}-dim embeddings, in {} ms.",
                    teacher.id,
                    config.model(),
                    teacher.imageSize,
                    teacher.imageSize,
                    tokenizer.contextLength(),
                    teacher.dim,
                    (System.nanoTime() - started) / 1_000_000);
            return teacher;
        } catch (RuntimeException e) {
            if (module != null) {
                module.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    @Override
    public synchronized float[][] encodeImages(float[][] images) {
        ensureOpen();
        int pixels = 3 * imageSize * imageSize;
        for (int i = 0; i < images.length; i++) {
            if (images[i].length != pixels) {
                throw new IllegalArgumentException("Image " + i + " has " + images[i].length + " values but teacher "
                        + id
                        + " takes 3x" + imageSize + "x" + imageSize + " = " + pixels + " CHW floats; preprocess frames"
                        + " to this teacher's imageSize.");
            }
        }
        float[][] embeddings = new float[images.length][];
        for (int from = 0; from < images.length; from += maxBatchSize) {
            int n = Math.min(maxBatchSize, images.length - from);
            float[] batch = new float[n * pixels];
            for (int j = 0; j < n; j++) {
                System.arraycopy(images[from + j], 0, batch, j * pixels, pixels);
            }
            try (NDManager manager = module.newManager()) {
                NDArray input = manager.create(batch, new Shape(n, 3, imageSize, imageSize));
                System.arraycopy(embed(ENCODE_IMAGE, input, dim), 0, embeddings, from, n);
            }
        }
        return embeddings;
    }

    @Override
    public synchronized float[][] encodeTexts(List<String> texts) {
        ensureOpen();
        int length = tokenizer.contextLength();
        float[][] embeddings = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += maxBatchSize) {
            int n = Math.min(maxBatchSize, texts.size() - from);
            long[][] rows = tokenizer.encode(texts.subList(from, from + n));
            long[] batch = new long[n * length];
            for (int j = 0; j < n; j++) {
                System.arraycopy(rows[j], 0, batch, j * length, length);
            }
            try (NDManager manager = module.newManager()) {
                NDArray input = manager.create(batch, new Shape(n, length));
                System.arraycopy(embed(ENCODE_TEXT, input, dim), 0, embeddings, from, n);
            }
        }
        return embeddings;
    }

    /** Token ids exactly as {@link #encodeTexts} feeds them to the text tower. */
    public synchronized long[][] tokenize(List<String> texts) {
        ensureOpen();
        return tokenizer.encode(texts);
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    /** Token ids per text, start and end tokens included. */
    public int contextLength() {
        return tokenizer.contextLength();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            module.close();
            tokenizer.close();
        }
    }

    // expectedDim 0: whatever the tower gives (the load-time probe). Normalized here, not trusted to the
    // export: OpenAI's encode_image/encode_text return raw features and normalize only inside forward.
    private float[][] embed(String method, NDArray input, int expectedDim) {
        long n = input.getShape().get(0);
        NDArray output = module.call(method, input);
        Shape shape = output.getShape();
        if (shape.dimension() != 2 || shape.get(0) != n || (expectedDim > 0 && shape.get(1) != expectedDim)) {
            throw new IllegalStateException("The teacher's " + method + " returned shape " + shape + " for " + n
                    + " inputs; expected (" + n + ", " + (expectedDim > 0 ? expectedDim : "D") + ").");
        }
        int width = Math.toIntExact(shape.get(1));
        float[] flat = output.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] rows = new float[(int) n][];
        for (int i = 0; i < n; i++) {
            rows[i] = unitLength(flat, i * width, width);
        }
        return rows;
    }

    private int probeDim(ClipTeacherConfig config) {
        int imageDim;
        int textDim;
        try (NDManager manager = module.newManager()) {
            imageDim = embed(ENCODE_IMAGE, manager.zeros(new Shape(1, 3, imageSize, imageSize)), 0)[0].length;
        } catch (IllegalArgumentException e) {
            throw new TeacherLoadException(
                    "The teacher model " + module.file() + " does not take " + imageSize + "x" + imageSize + " images ("
                            + e.getMessage() + "); set imageSize to the size it was exported for.",
                    e);
        } catch (IllegalStateException e) {
            throw new TeacherLoadException(e.getMessage(), e);
        }
        try (NDManager manager = module.newManager()) {
            long[] blank = tokenizer.encode(List.of(""))[0];
            textDim = embed(ENCODE_TEXT, manager.create(blank, new Shape(1, blank.length)), 0)[0].length;
        } catch (IllegalArgumentException e) {
            throw new TeacherLoadException(
                    "The teacher model " + module.file() + " does not take "
                            + tokenizer.contextLength() + " tokens per text (" + e.getMessage()
                            + "); set contextLength to the"
                            + " model's.",
                    e);
        } catch (IllegalStateException e) {
            throw new TeacherLoadException(e.getMessage(), e);
        }
        if (imageDim != textDim) {
            throw new TeacherLoadException("The teacher model " + module.file() + " embeds images in " + imageDim
                    + " dimensions but texts in " + textDim + "; export both towers with their projections into the"
                    + " shared space.");
        }
        if (config.embeddingDim() > 0 && config.embeddingDim() != imageDim) {
            throw new TeacherLoadException("The teacher model " + module.file() + " gives " + imageDim + "-dimensional"
                    + " embeddings, not the configured " + config.embeddingDim()
                    + "; fix embeddingDim or the model path.");
        }
        return imageDim;
    }

    private static int probeImageSize(TorchScriptModule module) {
        return module.optionalLong(IMAGE_SIZE).stream()
                .mapToInt(Math::toIntExact)
                .findFirst()
                .orElseGet(() -> {
                    LOG.info(
                            "Teacher model {} exports no image_size(); assuming CLIP's {} pixels. Set imageSize if it was"
                                    + " exported for another size.",
                            module.file(),
                            ClipTeacherConfig.CLIP_IMAGE_SIZE);
                    return ClipTeacherConfig.CLIP_IMAGE_SIZE;
                });
    }

    private static float[] unitLength(float[] flat, int offset, int width) {
        double sumOfSquares = 0;
        for (int k = 0; k < width; k++) {
            sumOfSquares += (double) flat[offset + k] * flat[offset + k];
        }
        // An all-zero row stays zero rather than turning into NaNs that would poison every cosine.
        double scale = sumOfSquares > 0 ? 1 / Math.sqrt(sumOfSquares) : 0;
        float[] row = new float[width];
        for (int k = 0; k < width; k++) {
            row[k] = (float) (flat[offset + k] * scale);
        }
        return row;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Teacher " + id + " is closed.");
        }
    }
}
