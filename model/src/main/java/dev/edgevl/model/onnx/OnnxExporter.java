package dev.edgevl.model.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.edgevl.model.quant.FoldedStudent;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a folded student as an ONNX model: input {@value #INPUT} float [N, 3, S, S], output
 * {@value #OUTPUT} float [N, D], unit-norm rows. The int8 export is a static QDQ model whose
 * quantizers sit exactly where {@code ReferenceForward} quantizes, so ONNX Runtime reproduces the
 * fake-quantized training graph up to integer rounding; the float export is the same graph without
 * quantizers.
 *
 * <p>Opset 13 is the oldest with per-channel DequantizeLinear, which keeps the model loadable by
 * older runtimes on devices; IR version 7 is what that opset shipped with.
 */
public final class OnnxExporter {
    public static final String INPUT = "images";
    public static final String OUTPUT = "embeddings";
    public static final String PRODUCER = "edgevl";
    static final int OPSET = 13;
    static final int IR_VERSION = 7;

    private OnnxExporter() {}

    public static byte[] exportInt8(FoldedStudent student) {
        return exportInt8(student, Map.of());
    }

    /** @param metadata written as the model's metadata_props (e.g. family, version), readable from ORT's session metadata */
    public static byte[] exportInt8(FoldedStudent student, Map<String, String> metadata) {
        if (student.ranges() == null) {
            throw new IllegalArgumentException(
                    "the student has no activation ranges; calibrate it (Calibration) or take the ranges observed in training before exporting int8");
        }
        return model(student, new Int8Precision(student.ranges()), metadata);
    }

    public static byte[] exportFloat(FoldedStudent student) {
        return exportFloat(student, Map.of());
    }

    public static byte[] exportFloat(FoldedStudent student, Map<String, String> metadata) {
        return model(student, Precision.FLOAT, metadata);
    }

    private static byte[] model(FoldedStudent student, Precision precision, Map<String, String> metadata) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(StudentGraph.build(student, precision));
        // Sorted, so that exporting the same student twice gives the same bytes (and the same sha256).
        new TreeMap<>(metadata)
                .forEach((k, v) -> model.addMetadataProps(
                        StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build().toByteArray();
    }
}
