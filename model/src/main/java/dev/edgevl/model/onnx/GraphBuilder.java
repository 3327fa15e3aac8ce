package dev.edgevl.model.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Arrays;

/**
 * Appends nodes and initializers to an ONNX graph. Nodes are added in execution order, which keeps
 * the graph topologically sorted as the checker demands, and every node is named after its output
 * so that ORT's profiles and error messages point at something recognisable.
 */
final class GraphBuilder {
    private final GraphProto.Builder graph;

    GraphBuilder(String name) {
        graph = GraphProto.newBuilder().setName(name);
    }

    /** A float tensor input or output; a dimension is a Long (fixed) or a String (symbolic, e.g. the batch). */
    void floatInput(String name, Object... dims) {
        graph.addInput(floatValue(name, dims));
    }

    void floatOutput(String name, Object... dims) {
        graph.addOutput(floatValue(name, dims));
    }

    String initializer(TensorProto tensor) {
        graph.addInitializer(tensor);
        return tensor.getName();
    }

    String node(String op, String output, String[] inputs, AttributeProto... attributes) {
        graph.addNode(NodeProto.newBuilder()
                .setOpType(op)
                .setName(output)
                .addAllInput(Arrays.asList(inputs))
                .addOutput(output)
                .addAllAttribute(Arrays.asList(attributes)));
        return output;
    }

    GraphProto build() {
        return graph.build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.INT)
                .setI(value)
                .build();
    }

    private static ValueInfoProto floatValue(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String symbol) {
                dim.setDimParam(symbol);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                .setShape(shape);
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensor))
                .build();
    }
}
