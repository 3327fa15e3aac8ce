package dev.edgevl.model.quant;

/**
 * An affine int8/uint8 quantizer: {@code q = clamp(rint(x / scale) + zeroPoint, qmin, qmax)} and
 * back {@code x ≈ (q − zeroPoint) · scale}. Pure arithmetic shared by fake-quant training and the
 * exporter, so both round the same way.
 */
public record QuantParams(float scale, int zeroPoint, int qmin, int qmax) {
    public QuantParams {
        if (!(scale > 0) || qmin >= qmax || zeroPoint < qmin || zeroPoint > qmax) {
            throw new IllegalArgumentException(
                    "invalid quantization parameters: scale " + scale + ", zero point " + zeroPoint);
        }
    }

    /** Symmetric signed int8 for weights: zero point 0, range ±127 (−128 unused so that ±max are symmetric). */
    public static QuantParams symmetricInt8(float maxAbs) {
        float m = Math.max(Math.abs(maxAbs), 1e-8f);
        return new QuantParams(m / 127f, 0, -127, 127);
    }

    /** Asymmetric unsigned 8-bit for activations over [min, max]; the range always includes 0 so ReLU zeros stay exact. */
    public static QuantParams asymmetricUint8(float min, float max) {
        float lo = Math.min(0f, min);
        float hi = Math.max(0f, max);
        float scale = Math.max(hi - lo, 1e-8f) / 255f;
        int zero = Math.round(-lo / scale);
        return new QuantParams(scale, Math.max(0, Math.min(255, zero)), 0, 255);
    }

    /** Rounds half to even, as PyTorch's round and ONNX's QuantizeLinear do, so training, export and runtime agree on ties. */
    public int quantize(float x) {
        long q = (long) Math.rint(x / scale) + zeroPoint;
        return (int) Math.max(qmin, Math.min(qmax, q));
    }

    public float dequantize(int q) {
        return (q - zeroPoint) * scale;
    }

    /**
     * A bias as an int8 convolution or matrix product stores it: an int32 on the accumulator's grid,
     * whose step is the input's scale times the channel's weight scale. ONNX Runtime only runs the
     * integer kernels with biases like that, so training and the reference round them the same way.
     */
    public static float biasOnGrid(float bias, float inputScale, float weightScale) {
        float step = inputScale * weightScale;
        return (float) (Math.rint(bias / (double) step) * step);
    }

    /** What the value becomes after a round trip through the integer grid. */
    public float fakeQuantize(float x) {
        return dequantize(quantize(x));
    }
}
