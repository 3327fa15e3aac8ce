package dev.edgevl.model.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import shade.com.google.protobuf.ByteString;

/**
 * Initializer tensors in ONNX's wire form. Everything goes into {@code raw_data} (little-endian, as
 * the spec requires): the typed repeated fields would store int8 weights as varints, and a negative
 * varint costs ten bytes, which would undo the point of quantizing.
 */
final class OnnxTensors {
    private OnnxTensors() {}

    static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer buf = littleEndian(4 * values.length);
        buf.asFloatBuffer().put(values);
        return tensor(name, DataType.FLOAT, buf, dims);
    }

    static TensorProto int8(String name, byte[] values, long... dims) {
        return tensor(name, DataType.INT8, ByteBuffer.wrap(values), dims);
    }

    static TensorProto int32(String name, int[] values, long... dims) {
        ByteBuffer buf = littleEndian(4 * values.length);
        buf.asIntBuffer().put(values);
        return tensor(name, DataType.INT32, buf, dims);
    }

    static TensorProto uint8Scalar(String name, int value) {
        return tensor(name, DataType.UINT8, ByteBuffer.wrap(new byte[] {(byte) value}));
    }

    static TensorProto floatScalar(String name, float value) {
        return floats(name, new float[] {value});
    }

    private static ByteBuffer littleEndian(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static TensorProto tensor(String name, DataType type, ByteBuffer data, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t.setRawData(ByteString.copyFrom(data.array())).build();
    }
}
