package dev.edgevl.device.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.quant.TestStudents;
import org.junit.jupiter.api.Test;

/** The swap between frames, on real ONNX Runtime sessions: a frame keeps its model; the old one closes after the last frame. */
class ModelSlotTest {
    private static final BundleVerifier VERIFIER =
            new BundleVerifier(TrustedKeys.of(SignedStudents.PUBLISHER.getPublic()));
    private static final float[] IMAGE = TestStudents.images(1, 16, 5);

    private static LiveModel load(long version) {
        return LiveModel.load(SignedStudents.version(version), VERIFIER, 1);
    }

    @Test
    void aFrameInFlightKeepsItsModelAcrossASwapAndTheOldSessionClosesAfterIt() {
        try (ModelSlot<LiveModel> slot = new ModelSlot<>()) {
            assertThat(slot.acquire()).as("no model yet").isNull();
            slot.swap(load(1));

            ModelSlot.Lease<LiveModel> frame = slot.acquire();
            LiveModel v2 = load(2);
            LiveModel previous = slot.swap(v2);

            assertThat(previous.version()).isEqualTo(1L);
            assertThat(frame.closed()).as("still in use by the frame").isFalse();
            assertThat(frame.model().embed(IMAGE, 1)[0])
                    .as("the frame finishes on v1")
                    .hasSize(SignedStudents.DIM);
            try (ModelSlot.Lease<LiveModel> next = slot.acquire()) {
                assertThat(next.model().version())
                        .as("the next frame starts on v2")
                        .isEqualTo(2L);
            }

            frame.close();

            assertThat(frame.closed()).isTrue();
            assertThatThrownBy(() -> previous.embed(IMAGE, 1))
                    .as("v1's session is closed")
                    .isInstanceOf(IllegalStateException.class);
            assertThat(v2.embed(IMAGE, 1)[0]).hasSize(SignedStudents.DIM);
        }
    }

    @Test
    void withNoFrameInFlightTheReplacedSessionClosesAtOnce() {
        ModelSlot<LiveModel> slot = new ModelSlot<>();
        LiveModel v1 = load(1);
        slot.swap(v1);
        LiveModel v2 = load(2);
        slot.swap(v2);
        assertThatThrownBy(() -> v1.embed(IMAGE, 1)).isInstanceOf(IllegalStateException.class);

        slot.close();

        assertThatThrownBy(() -> v2.embed(IMAGE, 1)).isInstanceOf(IllegalStateException.class);
        assertThat(slot.acquire()).isNull();
    }
}
