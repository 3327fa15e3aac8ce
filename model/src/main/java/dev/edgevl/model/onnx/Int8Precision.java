package dev.edgevl.model.onnx;

import static dev.edgevl.model.onnx.GraphBuilder.integer;

import dev.edgevl.model.quant.FoldedStudent.ActivationRanges;
import dev.edgevl.model.quant.QuantParams;
import java.util.HashSet;
import java.util.Set;

/**
 * Static QDQ quantization: a QuantizeLinear/DequantizeLinear pair (uint8, per tensor) at every
 * activation quantization point, int8 weights with per-output-channel scales and int32 biases, each
 * behind a DequantizeLinear. The graph still computes in float on paper; ONNX Runtime recognises
 * DQ → Conv → (Relu) → Q and rewrites it into QLinearConv, which is where the speed comes from.
 */
final class Int8Precision implements Precision {
    private final ActivationRanges ranges;
    private final Set<Integer> pointsWritten = new HashSet<>();

    Int8Precision(ActivationRanges ranges) {
        this.ranges = ranges;
    }

    /** A point may be marked more than once (around a shape-only op); its scale and zero point are stored once. */
    @Override
    public String activation(GraphBuilder g, String tensor, int point) {
        String scale = scaleOf(g, point);
        String zero = "act" + point + ".zero_point";
        String q = g.node("QuantizeLinear", tensor + "_q", new String[] {tensor, scale, zero});
        return g.node("DequantizeLinear", tensor + "_dq", new String[] {q, scale, zero});
    }

    /** The name of a point's scale, adding its scale and zero point to the graph the first time. */
    private String scaleOf(GraphBuilder g, int point) {
        String scale = "act" + point + ".scale";
        if (pointsWritten.add(point)) {
            QuantParams p = ranges.params(point);
            g.initializer(OnnxTensors.floatScalar(scale, p.scale()));
            g.initializer(OnnxTensors.uint8Scalar("act" + point + ".zero_point", p.zeroPoint()));
        }
        return scale;
    }

    /**
     * Int8 codes with one float scale and zero point per output channel, and int32 bias codes. The biases' zero point
     * is 0, DequantizeLinear's default, so it is left out, and their scale (input scale × weight scale, per channel) is a
     * Mul of two tensors the graph already holds, which ORT folds when it loads the model: stored, those two would cost 8
     * bytes per channel, as much as eight more weights.
     */
    @Override
    public String[] parameters(
            GraphBuilder g, String layer, float[] weight, long[] weightDims, float[] bias, int inputPoint) {
        int out = bias.length;
        PerChannelInt8 w = PerChannelInt8.of(weight, out);
        String weightCodes = g.initializer(OnnxTensors.int8(layer + ".weight_quantized", w.codes(), weightDims));
        String weightScale = g.initializer(OnnxTensors.floats(layer + ".weight_scale", w.scales(), out));
        // Gemm's integer fusion in ORT wants the weights' zero point present, so this one (a byte per channel) stays.
        String weightZero = g.initializer(OnnxTensors.int8(layer + ".weight_zero_point", new byte[out], out));
        String weightTensor = g.node(
                "DequantizeLinear",
                layer + ".weight",
                new String[] {weightCodes, weightScale, weightZero},
                integer("axis", 0));

        int[] codes = w.biasCodes(bias, ranges.params(inputPoint).scale());
        String biasCodes = g.initializer(OnnxTensors.int32(layer + ".bias_quantized", codes, out));
        String biasScale = g.node("Mul", layer + ".bias_scale", new String[] {scaleOf(g, inputPoint), weightScale});
        String biasTensor =
                g.node("DequantizeLinear", layer + ".bias", new String[] {biasCodes, biasScale}, integer("axis", 0));
        return new String[] {weightTensor, biasTensor};
    }
}
