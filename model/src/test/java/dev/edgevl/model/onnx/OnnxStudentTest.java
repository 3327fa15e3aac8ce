package dev.edgevl.model.onnx;

import static dev.edgevl.model.quant.TestStudents.images;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.TestStudents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class OnnxStudentTest {
    private static final FoldedStudent STUDENT = Calibration.calibrate(TestStudents.tiny(11), images(32, 16, 12), 32);
    private static final byte[] MODEL = OnnxExporter.exportInt8(STUDENT);

    @Test
    void bytesThatAreNotAModelAreRejectedWithAReason() {
        assertThatThrownBy(() -> new OnnxStudent("definitely not protobuf".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a loadable ONNX model");
        assertThatThrownBy(() -> new OnnxStudent(Arrays.copyOf(MODEL, MODEL.length / 2)))
                .as("a truncated download")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aModelThatIsNotAStudentIsRejected() {
        GraphBuilder g = new GraphBuilder("identity");
        g.floatInput("x", "N", 4L);
        g.floatOutput("y", "N", 4L);
        g.node("Identity", "y", new String[] {"x"});
        byte[] identity = ModelProto.newBuilder()
                .setIrVersion(OnnxExporter.IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(OnnxExporter.OPSET))
                .setGraph(g.build())
                .build()
                .toByteArray();
        assertThatThrownBy(() -> new OnnxStudent(identity))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no tensor named 'images'");
    }

    @Test
    void imagesOfTheWrongSizeAreRejected() {
        try (OnnxStudent model = new OnnxStudent(MODEL, 1)) {
            assertThatThrownBy(() -> model.embed(new float[3 * 8 * 8], 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("need 768 floats");
        }
    }

    @Test
    void anImageEmbedsTheSameAloneAsInABatch() {
        float[] batch = images(9, 16, 13);
        try (OnnxStudent model = new OnnxStudent(MODEL)) {
            float[][] together = model.embed(batch, 9);
            int pixels = 3 * 16 * 16;
            for (int n = 0; n < 9; n++) {
                float[][] alone = model.embed(Arrays.copyOfRange(batch, n * pixels, (n + 1) * pixels), 1);
                assertThat(alone[0]).containsExactly(together[n], within(1e-6f));
            }
            assertThat(model.embed(batch, 0)).isEmpty();
        }
    }

    @Test
    void oneModelServesManyThreads() throws Exception {
        float[] batch = images(16, 16, 14);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (OnnxStudent model = new OnnxStudent(MODEL, 1)) {
            float[][] expected = model.embed(batch, 16);
            List<Future<float[][]>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                results.add(pool.submit(() -> model.embed(batch, 16)));
            }
            for (Future<float[][]> r : results) {
                assertThat(r.get()).isDeepEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
