package dev.edgevl.model.teacher;

import java.util.List;

/**
 * The large vision-language model the student is distilled from: an image tower and a text tower
 * that embed into one space, so cosine similarity between an image and a caption scores the match.
 *
 * <p>Both encoders return L2-normalized rows, one per input, in input order. Images are 3×S×S
 * channel-first floats where S is {@link #imageSize()}, already preprocessed the way this teacher
 * was trained (resize, crop, mean/std); the teacher does no image preprocessing of its own because
 * the same frames also feed the student through the shared preprocessor.
 *
 * <p>Implementations say whether they may be called from several threads.
 */
public interface TeacherModel extends AutoCloseable {

    /** Embeds a batch of preprocessed images, each 3×S×S floats in CHW order. */
    float[][] encodeImages(float[][] images);

    /** Embeds a batch of texts (captions, prompts). */
    float[][] encodeTexts(List<String> texts);

    /** Length of every embedding this teacher returns. */
    int dim();

    /** Model identity and revision, for example {@code clip-vit-b32@3fa1c09e2b7d}. */
    String id();

    /** Width and height, in pixels, of the square images {@link #encodeImages} takes. */
    int imageSize();

    @Override
    void close();
}
