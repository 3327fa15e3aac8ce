package dev.edgevl.model.preprocess;

/**
 * Resizes {@link Planes} separably: every output pixel is a weighted sum over source rows of weighted
 * sums over source columns, with the weights of each axis computed once per call. Rows first, then
 * columns, so a shrink does most of its work on the smaller intermediate image.
 */
final class Resampler {

    private Resampler() {}

    static Planes resize(Planes in, int width, int height, ResizeMethod method) {
        if (in.width() == width && in.height() == height) {
            return in;
        }
        AxisWeights across = AxisWeights.of(in.width(), width, method);
        AxisWeights down = AxisWeights.of(in.height(), height, method);
        int sw = in.width();
        int sh = in.height();
        float[] src = in.pixels();
        float[] rows = new float[sh * width];
        float[] out = new float[in.channels() * width * height];
        for (int c = 0; c < in.channels(); c++) {
            int srcBase = c * sw * sh;
            for (int y = 0; y < sh; y++) {
                int srcRow = srcBase + y * sw;
                int rowOut = y * width;
                for (int x = 0; x < width; x++) {
                    float sum = 0f;
                    int t = x * across.taps;
                    for (int k = 0; k < across.taps; k++) {
                        sum += across.weight[t + k] * src[srcRow + across.index[t + k]];
                    }
                    rows[rowOut + x] = sum;
                }
            }
            int outBase = c * width * height;
            for (int y = 0; y < height; y++) {
                int outRow = outBase + y * width;
                int t = y * down.taps;
                for (int k = 0; k < down.taps; k++) {
                    float w = down.weight[t + k];
                    if (w == 0f) {
                        continue;
                    }
                    int rowIn = down.index[t + k] * width;
                    for (int x = 0; x < width; x++) {
                        out[outRow + x] += w * rows[rowIn + x];
                    }
                }
            }
        }
        return new Planes(in.channels(), width, height, out);
    }

    /** For each output index along one axis: {@code taps} source indices and their weights (summing to 1). */
    static final class AxisWeights {
        final int taps;
        final int[] index;
        final float[] weight;

        private AxisWeights(int taps, int outputs) {
            this.taps = taps;
            this.index = new int[taps * outputs];
            this.weight = new float[taps * outputs];
        }

        static AxisWeights of(int source, int target, ResizeMethod method) {
            if (source == target) {
                AxisWeights identity = new AxisWeights(1, target);
                for (int i = 0; i < target; i++) {
                    identity.index[i] = i;
                    identity.weight[i] = 1f;
                }
                return identity;
            }
            return method == ResizeMethod.AREA && target < source ? area(source, target) : bilinear(source, target);
        }

        private static AxisWeights area(int source, int target) {
            double scale = (double) source / target;
            AxisWeights a = new AxisWeights((int) Math.ceil(scale) + 1, target);
            for (int i = 0; i < target; i++) {
                double start = i * scale;
                double end = Math.min(source, (i + 1) * scale);
                int first = (int) Math.floor(start);
                int k = 0;
                for (int j = first; j < end && k < a.taps; j++, k++) {
                    double covered = Math.min(end, j + 1) - Math.max(start, j);
                    a.index[i * a.taps + k] = j;
                    a.weight[i * a.taps + k] = (float) (covered / scale);
                }
            }
            return a;
        }

        private static AxisWeights bilinear(int source, int target) {
            double scale = (double) source / target;
            AxisWeights b = new AxisWeights(2, target);
            for (int i = 0; i < target; i++) {
                double s = Math.max(0.0, (i + 0.5) * scale - 0.5);
                int j0 = Math.min((int) s, source - 1);
                int j1 = Math.min(j0 + 1, source - 1);
                float lambda = (float) (s - j0);
                if (j0 == source - 1) {
                    lambda = 0f;
                }
                b.index[2 * i] = j0;
                b.weight[2 * i] = 1f - lambda;
                b.index[2 * i + 1] = j1;
                b.weight[2 * i + 1] = lambda;
            }
            return b;
        }
    }
}
