package dev.edgevl.model.onnx;

import static dev.edgevl.model.quant.TestStudents.argmaxDot;
import static dev.edgevl.model.quant.TestStudents.images;
import static dev.edgevl.model.quant.TestStudents.maxAbsDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.edgevl.model.quant.ConvLayer;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.ReferenceForward;
import dev.edgevl.model.quant.TestStudents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExporterTest {
    private static final int COUNT = 256;
    private static final FoldedStudent STUDENT = Calibration.calibrate(TestStudents.tiny(1), images(64, 16, 2), 64);
    private static final float[] IMAGES = images(COUNT, 16, 3);

    @Test
    void theFloatModelComputesTheReferenceForward() {
        try (OnnxStudent model = new OnnxStudent(OnnxExporter.exportFloat(STUDENT))) {
            float[][] expected = ReferenceForward.embed(STUDENT, IMAGES, COUNT, false);
            assertThat(maxAbsDifference(model.embed(IMAGES, COUNT), expected)).isLessThan(1e-4f);
        }
    }

    @Test
    void theInt8ModelQuantizesExactlyWhereTheReferenceDoes() {
        // The reference rounds activations, weights and biases (on their int32 grid) as the export does:
        // a misplaced quantizer, a wrong scale or wrong rounding would show up far above 1e-5.
        try (OnnxStudent model = new OnnxStudent(OnnxExporter.exportInt8(STUDENT))) {
            float[][] expected = ReferenceForward.embed(STUDENT, IMAGES, COUNT, true);
            assertThat(maxAbsDifference(model.embed(IMAGES, COUNT), expected)).isLessThan(1e-5f);
        }
    }

    @Test
    void theInt8ModelAgreesWithTheFakeQuantizedReferenceOnZeroShotTop1() {
        float[][] labels = TestStudents.unitVectors(5, STUDENT.embeddingDim(), 4);
        try (OnnxStudent model = new OnnxStudent(OnnxExporter.exportInt8(STUDENT))) {
            float[][] actual = model.embed(IMAGES, COUNT);
            float[][] expected = ReferenceForward.embed(STUDENT, IMAGES, COUNT, true);
            int agree = 0;
            double meanDiff = 0;
            for (int n = 0; n < COUNT; n++) {
                agree += argmaxDot(actual[n], labels) == argmaxDot(expected[n], labels) ? 1 : 0;
                meanDiff += maxAbsDifference(new float[][] {actual[n]}, new float[][] {expected[n]}) / COUNT;
            }
            assertThat(agree).as("top-1 agreement out of %d", COUNT).isGreaterThanOrEqualTo((int)
                    Math.ceil(0.99 * COUNT));
            assertThat(meanDiff).isLessThan(1e-4);
            assertThat(maxAbsDifference(actual, expected)).isLessThan(1e-3f);
        }
    }

    @Test
    void onnxRuntimeRunsTheInt8ModelOnIntegerKernels(@TempDir Path dir) throws Exception {
        Path optimized = dir.resolve("optimized.onnx");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setOptimizedModelFilePath(optimized.toString());
            OrtEnvironment.getEnvironment()
                    .createSession(OnnxExporter.exportInt8(STUDENT), options)
                    .close();
        }
        List<String> ops = ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph().getNodeList().stream()
                .map(NodeProto::getOpType)
                .toList();
        assertThat(ops)
                .filteredOn("QLinearConv"::equals)
                .hasSize(STUDENT.convs().size());
        assertThat(ops)
                .contains("QLinearGlobalAveragePool", "QGemm")
                .doesNotContain("Conv", "DequantizeLinear", "Gemm");
    }

    @Test
    void theInt8ModelStoresAByteAWeightAndNineBytesAChannel() {
        FoldedStudent realistic = TestStudents.realistic(5);
        assertThat(realistic.parameterCount()).isBetween(400_000L, 700_000L);
        FoldedStudent calibrated = Calibration.calibrate(realistic, images(4, 64, 6), 4);
        int int8 = OnnxExporter.exportInt8(calibrated).length;
        int fp32 = OnnxExporter.exportFloat(calibrated).length;
        long channels =
                realistic.convs().stream().mapToLong(ConvLayer::outChannels).sum()
                        + realistic.projection().out();
        long weights = realistic.parameterCount() - channels;
        // int8 codes, then per output channel an int32 bias, a float scale and a zero point; the graph itself is a few
        // kB.
        assertThat((long) int8).isBetween(weights + 9 * channels, weights + 9 * channels + 12_000);
        // The float model pays 4 bytes a bias where the int8 one pays 9 a channel, so the ratio stays under 4.
        assertThat((double) fp32 / int8).isBetween(3.7, 4.0);
    }

    @Test
    void exportsAreReproducibleAndCarryTheirMetadata() {
        Map<String, String> metadata = Map.of("family", "edgevl-student", "version", "7");
        byte[] model = OnnxExporter.exportInt8(STUDENT, metadata);
        assertThat(OnnxExporter.exportInt8(STUDENT, metadata))
                .as("same student, same bytes, same signature")
                .isEqualTo(model);
        try (OnnxStudent loaded = new OnnxStudent(model)) {
            assertThat(loaded.metadata()).isEqualTo(metadata);
            assertThat(loaded.inputSize()).isEqualTo(16);
            assertThat(loaded.embeddingDim()).isEqualTo(8);
        }
    }

    @Test
    void anUncalibratedStudentCannotBeExportedAsInt8() {
        assertThatThrownBy(() -> OnnxExporter.exportInt8(TestStudents.tiny(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("calibrate");
    }
}
