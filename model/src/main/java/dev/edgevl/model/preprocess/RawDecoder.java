package dev.edgevl.model.preprocess;

/** Turns uncompressed frame bytes (layouts as {@code PixelEncoding} documents them) into {@link Planes}. */
final class RawDecoder {

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
        float[] out = new float[3 * n];
        for (int i = 0, b = offset; i < n; i++, b += 3) {
            out[i] = UNIT_BYTE[data[b] & 0xff];
            out[n + i] = UNIT_BYTE[data[b + 1] & 0xff];
            out[2 * n + i] = UNIT_BYTE[data[b + 2] & 0xff];
        }
        return new Planes(3, width, height, out);
    }

    static Planes gray8(int width, int height, byte[] data, int offset) {
        int n = width * height;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = UNIT_BYTE[data[offset + i] & 0xff];
        }
        return new Planes(1, width, height, out);
    }

    /** Unsigned 16-bit little-endian readings (depth, thermal; 0 = none), min-max scaled. */
    static Planes range16(int width, int height, byte[] data, int offset, RangePolarity polarity) {
        int n = width * height;
        int[] raw = new int[n];
        for (int i = 0, b = offset; i < n; i++, b += 2) {
            raw[i] = (data[b] & 0xff) | (data[b + 1] & 0xff) << 8;
        }
        return range(width, height, raw, polarity);
    }

    static Planes range(int width, int height, int[] raw, RangePolarity polarity) {
        float[] out = new float[width * height];
        RangeScaler.toUnitRange(raw, width, height, polarity, out);
        return new Planes(1, width, height, out);
    }
}
