package dev.edgevl.model.onnx;

import dev.edgevl.model.quant.QuantParams;

/**
 * Weights quantized to symmetric int8 with one scale per output channel (the first dimension),
 * using the same {@link QuantParams} as fake-quant training and {@code ReferenceForward}, so the
 * exported codes dequantize to exactly the weights those saw.
 */
record PerChannelInt8(byte[] codes, float[] scales) {
    static PerChannelInt8 of(float[] weights, int outChannels) {
        int per = weights.length / outChannels;
        byte[] codes = new byte[weights.length];
        float[] scales = new float[outChannels];
        for (int o = 0; o < outChannels; o++) {
            float max = 0;
            for (int i = 0; i < per; i++) {
                max = Math.max(max, Math.abs(weights[o * per + i]));
            }
            QuantParams p = QuantParams.symmetricInt8(max);
            scales[o] = p.scale();
            for (int i = 0; i < per; i++) {
                codes[o * per + i] = (byte) p.quantize(weights[o * per + i]);
            }
        }
        return new PerChannelInt8(codes, scales);
    }

    /**
     * The bias on the accumulator's grid (scale = input scale × weight scale, zero point 0). This is
     * the layout ORT needs to fuse Conv/Gemm into integer kernels; the rounding error is at most half
     * an accumulator step, far below one output quantization step. The graph computes the same scales
     * with a float Mul, so the codes here must use the same float product.
     */
    int[] biasCodes(float[] bias, float inputScale) {
        int[] codes = new int[bias.length];
        for (int o = 0; o < bias.length; o++) {
            float step = inputScale * scales[o];
            double q = Math.rint(bias[o] / (double) step);
            codes[o] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, q));
        }
        return codes;
    }
}
