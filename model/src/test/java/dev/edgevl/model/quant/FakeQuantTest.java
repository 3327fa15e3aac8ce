package dev.edgevl.model.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class FakeQuantTest {
    @Test
    void weightsSnapToAPerChannelSymmetricGrid() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1.0f, -0.5f, 0.26f, 0.02f, -0.01f, 0.003f}, new Shape(2, 3));
            float[] q = FakeQuant.weightsPerChannel(w).toFloatArray();
            float s0 = 1.0f / 127;
            float s1 = 0.02f / 127;
            assertThat(q[0]).isCloseTo(1.0f, within(1e-6f));
            assertThat(q[2]).isCloseTo(Math.round(0.26f / s0) * s0, within(1e-6f));
            // Channel 1 has its own, much finer scale: small weights are not flattened by channel 0's range.
            assertThat(q[4]).isCloseTo(Math.round(-0.01f / s1) * s1, within(1e-7f));
            assertThat(q[5]).isCloseTo(Math.round(0.003f / s1) * s1, within(1e-7f));
            for (int i = 0; i < 3; i++) {
                assertThat(q[i])
                        .isCloseTo(QuantParams.symmetricInt8(1.0f).fakeQuantize(w.toFloatArray()[i]), within(1e-6f));
            }
        }
    }

    @Test
    void activationsSnapToAnUnsignedGridThatKeepsZeroExact() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0f, 0.1f, 2.9f, 5f, 7f});
            float[] q = FakeQuant.activationsPerTensor(x, 0f, 6f).toFloatArray();
            QuantParams p = QuantParams.asymmetricUint8(0f, 6f);
            assertThat(q[0]).isZero();
            assertThat(q[1]).isCloseTo(p.fakeQuantize(0.1f), within(1e-6f));
            assertThat(q[4]).as("clipped at the range's top").isCloseTo(p.dequantize(255), within(1e-5f));
        }
    }

    @Test
    void theGradientPassesStraightThroughTheRounding() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {0.3f, -0.7f, 0.05f, 0.9f}, new Shape(2, 2));
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = FakeQuant.weightsPerChannel(w)
                        .mul(m.create(new float[] {1f, 2f, 3f, 4f}, new Shape(2, 2)))
                        .sum();
                gc.backward(loss);
            }
            // Rounding has zero gradient almost everywhere; the STE makes it the identity instead.
            assertThat(w.getGradient().toFloatArray()).containsExactly(1f, 2f, 3f, 4f);
        }
    }

    @Test
    void quantParamsRoundTripOnTheGrid() {
        QuantParams p = QuantParams.asymmetricUint8(-1f, 3f);
        assertThat(p.dequantize(p.zeroPoint())).isZero();
        assertThat(p.quantize(100f)).isEqualTo(255);
        assertThat(p.quantize(-100f)).isZero();
        QuantParams w = QuantParams.symmetricInt8(0.5f);
        assertThat(w.quantize(0.5f)).isEqualTo(127);
        assertThat(w.quantize(-0.5f)).isEqualTo(-127);
        // Ties go to the even neighbour, as in PyTorch and ONNX QuantizeLinear: the exported model must round like
        // training did.
        QuantParams unit = QuantParams.symmetricInt8(127f);
        assertThat(unit.quantize(0.5f)).isZero();
        assertThat(unit.quantize(1.5f)).isEqualTo(2);
        assertThat(unit.quantize(-2.5f)).isEqualTo(-2);
    }
}
