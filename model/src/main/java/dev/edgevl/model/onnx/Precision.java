package dev.edgevl.model.onnx;

/**
 * How the exported graph stores weights and treats activations. The float and int8 exports share
 * one layout ({@link StudentGraph}) and differ only here, so the fp32 baseline is the int8 model
 * with its quantizers taken out, nothing else.
 */
interface Precision {
    /** Marks a quantization point (index as in {@code FoldedStudent.ActivationRanges}); returns the tensor to use downstream. */
    String activation(GraphBuilder g, String tensor, int point);

    /** Adds a layer's weights (out channels first) and bias; returns their tensor names, weights then bias. */
    String[] parameters(GraphBuilder g, String layer, float[] weight, long[] weightDims, float[] bias, int inputPoint);

    Precision FLOAT = new Precision() {
        @Override
        public String activation(GraphBuilder g, String tensor, int point) {
            return tensor;
        }

        @Override
        public String[] parameters(
                GraphBuilder g, String layer, float[] weight, long[] weightDims, float[] bias, int inputPoint) {
            return new String[] {
                g.initializer(OnnxTensors.floats(layer + ".weight", weight, weightDims)),
                g.initializer(OnnxTensors.floats(layer + ".bias", bias, bias.length))
            };
        }
    };
}
