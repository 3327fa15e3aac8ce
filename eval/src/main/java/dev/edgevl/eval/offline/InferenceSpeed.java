package dev.edgevl.eval.offline;

import dev.edgevl.model.onnx.OnnxStudent;
import java.util.Arrays;

/** Frames per second of an ONNX student on ONNX Runtime at one batch size, after a short warm-up. */
final class InferenceSpeed {
    private InferenceSpeed() {}

    static double framesPerSecond(byte[] model, ImageSet images, int batch, double seconds) {
        int n = Math.min(batch, images.count());
        float[] input = Arrays.copyOf(images.depth(), n * ImageSet.pixels(images.imageSize()));
        try (OnnxStudent student = new OnnxStudent(model)) {
            long warmUntil = System.nanoTime() + (long) (0.25 * seconds * 1e9);
            while (System.nanoTime() < warmUntil) {
                student.embed(input, n);
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long frames = 0;
            long now;
            do {
                student.embed(input, n);
                frames += n;
                now = System.nanoTime();
            } while (now < end);
            return frames / ((now - start) / 1e9);
        }
    }
}
