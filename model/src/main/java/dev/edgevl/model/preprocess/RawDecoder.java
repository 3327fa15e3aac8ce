package dev.edgevl.model.preprocess;

/**
 * Turns uncompressed frame bytes (layouts as {@code PixelEncoding} documents them) into {@link Planes}. The planes of a
 * frame of up to {@link #SCRATCH_PIXELS} pixels are a per-thread array that the thread's next decode overwrites: the
 * preprocessor resizes or normalises them into its output at once and keeps nothing, and the stream job no longer
 * allocates (and collects) two or three frame-sized arrays per frame. Larger frames get arrays of their own, so a rare
 * big frame does not pin its size to a thread.
 */
final class RawDecoder {
    /** 512×512: the largest frame whose planes and readings are per-thread scratch. */
    static final int SCRATCH_PIXELS = 512 * 512;

    private static final ThreadLocal<float[]> PLANES = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<int[]> READINGS = ThreadLocal.withInitial(() -> new int[0]);

    /** Byte value to 0..1, by table, so every caller gets bit-identical values. */
    static final float[] UNIT_BYTE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT_BYTE[i] = i / 255f;
        }
    }

    private RawDecoder() {}

    /** Interleaved R, G, B bytes to three planes. */
    static Planes rgb8(int width, int height, byte[] data, int offset) {
        int n = width * height;
        float[] out = planes(3, n);
        for (int i = 0, b = offset; i < n; i++, b += 3) {
            out[i] = UNIT_BYTE[data[b] & 0xff];
            out[n + i] = UNIT_BYTE[data[b + 1] & 0xff];
            out[2 * n + i] = UNIT_BYTE[data[b + 2] & 0xff];
        }
        return new Planes(3, width, height, out);
    }

    static Planes gray8(int width, int height, byte[] data, int offset) {
        int n = width * height;
        float[] out = planes(1, n);
        for (int i = 0; i < n; i++) {
            out[i] = UNIT_BYTE[data[offset + i] & 0xff];
        }
        return new Planes(1, width, height, out);
    }

    /** Unsigned 16-bit little-endian readings (depth, thermal; 0 = none), min-max scaled. */
    static Planes range16(int width, int height, byte[] data, int offset, RangePolarity polarity) {
        int n = width * height;
        int[] raw = readings(n);
        for (int i = 0, b = offset; i < n; i++, b += 2) {
            raw[i] = (data[b] & 0xff) | (data[b + 1] & 0xff) << 8;
        }
        return range(width, height, raw, polarity);
    }

    static Planes range(int width, int height, int[] raw, RangePolarity polarity) {
        float[] out = planes(1, width * height);
        RangeScaler.toUnitRange(raw, width, height, polarity, out);
        return new Planes(1, width, height, out);
    }

    /** Room for {@code channels} planes of {@code n} pixels: the thread's scratch when the frame is small enough. */
    private static float[] planes(int channels, int n) {
        if (n > SCRATCH_PIXELS) {
            return new float[channels * n];
        }
        float[] scratch = PLANES.get();
        if (scratch.length < channels * n) {
            scratch = new float[Math.max(channels * n, 3 * n)];
            PLANES.set(scratch);
        }
        return scratch;
    }

    private static int[] readings(int n) {
        if (n > SCRATCH_PIXELS) {
            return new int[n];
        }
        int[] scratch = READINGS.get();
        if (scratch.length < n) {
            scratch = new int[n];
            READINGS.set(scratch);
        }
        return scratch;
    }
}
