package dev.edgevl.model.onnx;

import static dev.edgevl.model.quant.TestStudents.images;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.FoldedStudent.ActivationRanges;
import dev.edgevl.model.quant.ReferenceForward;
import dev.edgevl.model.quant.TestStudents;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CalibrationTest {
    private static final FoldedStudent STUDENT = TestStudents.tiny(21);
    private static final float[] IMAGES = images(48, 16, 22);

    @Test
    void theInputRangeIsThePixelRangeAndReluOutputsStartAtZero() {
        ActivationRanges r = Calibration.calibrate(STUDENT, IMAGES, 48).ranges();
        float[] sorted = IMAGES.clone();
        Arrays.sort(sorted);
        assertThat(r.points())
                .isEqualTo(FoldedStudent.quantizationPoints(STUDENT.convs().size()));
        assertThat(r.min()[0]).isEqualTo(sorted[0]);
        assertThat(r.max()[0]).isEqualTo(sorted[sorted.length - 1]);
        for (int p = 1; p < r.points(); p++) {
            assertThat(r.min()[p]).isGreaterThanOrEqualTo(0f);
            assertThat(r.max()[p]).isGreaterThan(r.min()[p]);
        }
    }

    @Test
    void calibratedQuantizationStaysCloseToFloat() {
        FoldedStudent calibrated = Calibration.calibrate(STUDENT, IMAGES, 48);
        float[][] fp32 = ReferenceForward.embed(calibrated, IMAGES, 48, false);
        float[][] int8 = ReferenceForward.embed(calibrated, IMAGES, 48, true);
        for (int n = 0; n < 48; n++) {
            double cos = 0;
            for (int i = 0; i < fp32[n].length; i++) {
                cos += fp32[n][i] * int8[n][i];
            }
            assertThat(cos).as("cosine of image %d", n).isGreaterThan(0.99);
        }
    }

    @Test
    void feedingImagesInBatchesGivesTheSameRanges() {
        int pixels = 3 * 16 * 16;
        Calibration batched = new Calibration(STUDENT)
                .observe(Arrays.copyOfRange(IMAGES, 0, 20 * pixels), 20)
                .observe(Arrays.copyOfRange(IMAGES, 20 * pixels, 48 * pixels), 28);
        ActivationRanges once = Calibration.calibrate(STUDENT, IMAGES, 48).ranges();
        assertThat(batched.ranges().min()).containsExactly(once.min());
        assertThat(batched.ranges().max()).containsExactly(once.max());
    }

    @Test
    void rangesNeedAtLeastOneImage() {
        assertThatThrownBy(() -> new Calibration(STUDENT).ranges())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no calibration images");
    }
}
