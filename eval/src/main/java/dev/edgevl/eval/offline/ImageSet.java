package dev.edgevl.eval.offline;

/**
 * Preprocessed images of some scenes, one N × 3 × S × S array per sensor, the same scene at the same
 * index in each. No labels: this is what training code may see.
 */
public record ImageSet(int count, int imageSize, float[] rgb, float[] depth, float[] thermal) {
    public ImageSet {
        long expected = (long) count * pixels(imageSize);
        if (rgb.length != expected || depth.length != expected || thermal.length != expected) {
            throw new IllegalArgumentException("each sensor needs " + expected + " floats for " + count + " images");
        }
    }

    public static int pixels(int imageSize) {
        return 3 * imageSize * imageSize;
    }

    public float[] of(Modalities modality) {
        return switch (modality) {
            case RGB -> rgb;
            case DEPTH -> depth;
            case THERMAL -> thermal;
        };
    }

    /** The images at {@code indices} of one sensor, packed in that order. */
    public float[] gather(Modalities modality, int[] indices) {
        int p = pixels(imageSize);
        float[] source = of(modality);
        float[] out = new float[indices.length * p];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(source, indices[i] * p, out, i * p, p);
        }
        return out;
    }
}
