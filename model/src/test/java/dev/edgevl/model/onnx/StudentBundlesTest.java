package dev.edgevl.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.Modality;
import dev.edgevl.model.bundle.BundleManifest;
import dev.edgevl.model.bundle.ModelBundle;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.preprocess.ResizeMethod;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.TestStudents;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StudentBundlesTest {
    @Test
    void aStudentBundleRunsOnOnnxRuntimeAndSaysHowToPreprocess() {
        FoldedStudent student = Calibration.calibrate(TestStudents.tiny(3), TestStudents.images(8, 16, 4), 8);
        byte[] bytes = StudentBundles.int8(
                student,
                BundleManifest.builder()
                        .family("student")
                        .version(2)
                        .parentVersion(1L)
                        .createdAt(Instant.parse("2026-11-26T00:00:00Z"))
                        .teacherId("t"));
        ModelBundle bundle = ModelBundle.parse(bytes);

        assertThat(bundle.manifest().embeddingDim()).isEqualTo(8);
        assertThat(bundle.manifest().input().accepts(Modality.DEPTH)).isTrue();
        InputSpec spec = StudentBundles.inputSpec(bundle.manifest().input());
        assertThat(spec).isEqualTo(InputSpec.of(16, 16));
        assertThat(spec.resize()).isEqualTo(ResizeMethod.AREA);
        try (OnnxStudent onnx = new OnnxStudent(bundle.entryFile(), 1)) {
            float[][] rows = onnx.embed(TestStudents.images(2, 16, 5), 2);
            assertThat(rows).hasDimensions(2, 8);
        }
    }

    @Test
    void anUnknownResizeMethodIsRefusedByName() {
        assertThatThrownBy(
                        () -> StudentBundles.inputSpec(StudentBundles.input(16).withResize("LANCZOS")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LANCZOS")
                .hasMessageContaining("AREA");
    }
}
