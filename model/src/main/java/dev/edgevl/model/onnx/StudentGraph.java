package dev.edgevl.model.onnx;

import static dev.edgevl.model.onnx.GraphBuilder.integer;
import static dev.edgevl.model.onnx.GraphBuilder.ints;

import ai.onnx.proto.OnnxMl.GraphProto;
import dev.edgevl.model.quant.ConvLayer;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.LinearLayer;

/**
 * The folded student's layout as an ONNX graph, in the order of {@code ReferenceForward}: quantization
 * point 0 on the input, then per convolution Conv → Relu → point i, GlobalAveragePool → last point →
 * Flatten → last point again → Gemm, then L2 normalization. The second mark after Flatten is the same
 * grid (re-quantizing a grid value is exact); it lets ORT keep Flatten in uint8 between the integer
 * pooling and the integer Gemm instead of dequantizing in between.
 */
final class StudentGraph {
    /** Matches ReferenceForward, so that an all-zero projection gives zeros rather than NaN in both. */
    static final float NORM_EPSILON = 1e-12f;

    private StudentGraph() {}

    static GraphProto build(FoldedStudent student, Precision precision) {
        GraphBuilder g = new GraphBuilder("edgevl_student");
        int s = student.inputSize();
        g.floatInput(OnnxExporter.INPUT, "N", 3L, (long) s, (long) s);
        int point = 0;
        String x = precision.activation(g, OnnxExporter.INPUT, point++);
        for (int i = 0; i < student.convs().size(); i++) {
            x = conv(g, precision, "conv" + i, student.convs().get(i), x, point - 1);
            x = g.node("Relu", "conv" + i + ".relu", new String[] {x});
            x = precision.activation(g, x, point++);
        }
        x = g.node("GlobalAveragePool", "pool", new String[] {x});
        x = precision.activation(g, x, point);
        x = g.node("Flatten", "features", new String[] {x}, integer("axis", 1));
        x = precision.activation(g, x, point);
        x = gemm(g, precision, student.projection(), x, point);
        l2Normalize(g, x);
        g.floatOutput(OnnxExporter.OUTPUT, "N", (long) student.embeddingDim());
        return g.build();
    }

    private static String conv(
            GraphBuilder g, Precision precision, String name, ConvLayer c, String x, int inputPoint) {
        int k = c.kernel();
        long[] dims = {c.outChannels(), c.inChannels() / c.groups(), k, k};
        String[] wb = precision.parameters(g, name, c.weight(), dims, c.bias(), inputPoint);
        int p = c.padding();
        return g.node(
                "Conv",
                name + ".out",
                new String[] {x, wb[0], wb[1]},
                ints("kernel_shape", k, k),
                ints("strides", c.stride(), c.stride()),
                ints("pads", p, p, p, p),
                integer("group", c.groups()));
    }

    private static String gemm(GraphBuilder g, Precision precision, LinearLayer p, String x, int inputPoint) {
        String[] wb =
                precision.parameters(g, "projection", p.weight(), new long[] {p.out(), p.in()}, p.bias(), inputPoint);
        // transB: weights stay out × in, so their per-channel axis 0 is the output channel, as for Conv.
        return g.node("Gemm", "projection.out", new String[] {x, wb[0], wb[1]}, integer("transB", 1));
    }

    private static void l2Normalize(GraphBuilder g, String x) {
        String norm = g.node("ReduceL2", "norm", new String[] {x}, ints("axes", 1), integer("keepdims", 1));
        String eps = g.initializer(OnnxTensors.floatScalar("norm_epsilon", NORM_EPSILON));
        String safe = g.node("Max", "norm_clamped", new String[] {norm, eps});
        g.node("Div", OnnxExporter.OUTPUT, new String[] {x, safe});
    }
}
