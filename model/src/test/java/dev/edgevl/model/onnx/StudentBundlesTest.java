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
import java.util.Arrays;
import java.util.Map;
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
    void aModalityWithAGraphOfItsOwnRunsItAndTheOthersRunTheSharedOne() {
        byte[] shared =
                OnnxExporter.exportInt8(Calibration.calibrate(TestStudents.tiny(3), TestStudents.images(8, 16, 4), 8));
        byte[] thermal =
                OnnxExporter.exportInt8(Calibration.calibrate(TestStudents.tiny(9), TestStudents.images(8, 16, 4), 8));
        byte[] bytes = StudentBundles.int8(
                shared,
                Map.of(Modality.THERMAL, thermal),
                16,
                8,
                BundleManifest.builder()
                        .family("student")
                        .version(3)
                        .createdAt(Instant.parse("2026-12-04T00:00:00Z"))
                        .teacherId("t"));
        ModelBundle bundle = ModelBundle.parse(bytes);
        assertThat(bundle.manifest().entryFor(Modality.THERMAL)).isEqualTo("model-thermal.onnx");
        assertThat(bundle.manifest().entryFor(Modality.DEPTH)).isEqualTo(StudentBundles.ENTRY);
        assertThat(bundle.entryFile(Modality.THERMAL)).isEqualTo(thermal);

        float[] images = TestStudents.images(3, 16, 5);
        int pixels = 3 * 16 * 16;
        try (StudentGraphs graphs = new StudentGraphs(
                        bundle.entryFile(), Map.of(Modality.THERMAL, bundle.entryFile(Modality.THERMAL)), 1);
                OnnxStudent sharedAlone = new OnnxStudent(shared, 1);
                OnnxStudent thermalAlone = new OnnxStudent(thermal, 1)) {
            float[][] mixed = graphs.embed(new Modality[] {Modality.DEPTH, Modality.THERMAL, Modality.RGB}, images);
            float[][] bySharedGraph = sharedAlone.embed(images, 3);
            float[][] byThermalGraph = thermalAlone.embed(images, 3);
            assertThat(mixed[0]).containsExactly(bySharedGraph[0]);
            assertThat(mixed[1]).containsExactly(byThermalGraph[1]);
            assertThat(mixed[2]).containsExactly(bySharedGraph[2]);
            assertThat(mixed[1]).isNotEqualTo(bySharedGraph[1]);
            assertThat(graphs.embed(Modality.THERMAL, Arrays.copyOfRange(images, pixels, 2 * pixels), 1)[0])
                    .containsExactly(byThermalGraph[1]);
            assertThat(graphs.ownGraphs()).containsExactly(Modality.THERMAL);
        }
    }

    @Test
    void aBundleWithOneGraphWritesNoModalityEntries() {
        byte[] bytes = StudentBundles.int8(
                Calibration.calibrate(TestStudents.tiny(3), TestStudents.images(8, 16, 4), 8),
                BundleManifest.builder()
                        .family("student")
                        .version(1)
                        .createdAt(Instant.parse("2026-12-04T00:00:00Z"))
                        .teacherId("t"));
        ModelBundle bundle = ModelBundle.parse(bytes);
        assertThat(bundle.manifest().modalityEntries()).isEmpty();
        assertThat(bundle.fileNames()).containsExactly(StudentBundles.ENTRY);
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("modalityEntries");
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
