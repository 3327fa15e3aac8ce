package dev.edgevl.model.preprocess;

/**
 * An image between decoding and normalisation: {@code channels} planes (1 or 3) of
 * {@code height × width} values in 0..1, planar (CHW), row-major. Single-channel images stay single
 * until the very end, so a grey, depth or thermal frame is resized once rather than three times.
 * {@code pixels} may be longer than that (a decoder's per-thread scratch): only the first
 * {@code channels × height × width} values are the image.
 */
record Planes(int channels, int width, int height, float[] pixels) {

    int planeSize() {
        return width * height;
    }
}
