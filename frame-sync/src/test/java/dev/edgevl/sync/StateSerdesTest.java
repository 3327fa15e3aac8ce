package dev.edgevl.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.Modality;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** Frame-sync state survives its changelog: what is written reads back the same, and keys keep time order. */
class StateSerdesTest {

    @Test
    void aWaitingFrameRoundTrips() {
        PendingFrame frame = new PendingFrame(
                "cam-ü", "rgb0", true, 1_790_000_000_123_456L, 42, 1_000, Set.of("thermal0", "depth0"));
        Serde<PendingFrame> serde = PendingFrameSerde.serde();

        PendingFrame back =
                serde.deserializer().deserialize("t", serde.serializer().serialize("t", frame));

        assertThat(back).isEqualTo(frame);
        assertThat(back.pairedWith()).containsExactly("depth0", "thermal0");
    }

    @Test
    void keysOfOneDeviceSortByCaptureTimeAndShareAPrefixNoOtherDeviceHas() {
        PendingFrame early = new PendingFrame("cam-1", "rgb0", true, 9_999, 7, 0, Set.of());
        PendingFrame late = new PendingFrame("cam-1", "depth0", false, 10_000, 1, 0, Set.of());
        PendingFrame other = new PendingFrame("cam-10", "rgb0", true, 1, 1, 0, Set.of());

        assertThat(Stream.of(late, early).map(PendingFrame::key).sorted()).containsExactly(early.key(), late.key());
        assertThat(early.key()).startsWith(PendingFrame.devicePrefix("cam-1"));
        assertThat(other.key()).doesNotStartWith(PendingFrame.devicePrefix("cam-1"));
    }

    @Test
    void deviceStateRoundTripsWithItsDuplicateMemory() {
        DeviceState state = new DeviceState();
        state.advanceClock(5_000);
        state.heardFrom(77);
        assertThat(state.firstSighting("depth0", 1, 100, 4)).isTrue();
        assertThat(state.firstSighting("rgb0", 1, 90, 4)).isTrue();
        Serde<DeviceState> serde = DeviceState.serde();

        DeviceState back =
                serde.deserializer().deserialize("t", serde.serializer().serialize("t", state));

        assertThat(back.streamTimeMicros()).isEqualTo(5_000);
        assertThat(back.lastSeenMillis()).isEqualTo(77);
        assertThat(back.firstSighting("depth0", 1, 100, 4))
                .as("remembered across the changelog")
                .isFalse();
        assertThat(back.firstSighting("depth0", 1, 133, 4))
                .as("same sequence, new capture time")
                .isTrue();
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {9}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("newer frame sync");
    }

    @Test
    void deviceStateRoundTripsWithItsSensorsModalitiesAndFramePeriods() {
        DeviceState state = new DeviceState();
        for (int n = 0; n < 4; n++) {
            long capture = 1_000_000 + n * 111_111L;
            state.firstSighting("thermal0", n, capture, 64);
            state.observe("thermal0", Modality.THERMAL, capture);
            state.advanceClock(capture);
        }
        Serde<DeviceState> serde = DeviceState.serde();
        byte[] bytes = serde.serializer().serialize("t", state);

        DeviceState back = serde.deserializer().deserialize("t", bytes);

        assertThat(bytes[0]).isEqualTo(DeviceState.FORMAT_VERSION);
        assertThat(back.modality("thermal0")).isEqualTo(Modality.THERMAL);
        assertThat(back.periodMicros("thermal0")).hasValue(111_111);
        assertThat(back.firstSighting("thermal0", 3, 1_333_333, 64)).isFalse();
        back.observe("thermal0", Modality.THERMAL, 1_000_000 + 4 * 111_111L + 2);
        assertThat(back.periodMicros("thermal0"))
                .as("the newest capture time survived, so the next interval is measured")
                .hasValue(111_111);
    }

    @Test
    void deviceStateWrittenBeforeFramePeriodsWereKeptStillReads() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1); // format 1: no modalities, no frame periods
            out.writeLong(5_000); // stream time
            out.writeLong(77); // last seen
            out.writeInt(1);
            out.writeUTF("depth0");
            out.writeLong(1); // highest sequence
            out.writeLong(100); // its capture time
            out.writeInt(1);
            out.writeLong(0b10); // sequence 1 seen
        }

        DeviceState back = DeviceState.serde().deserializer().deserialize("t", bytes.toByteArray());

        assertThat(back.streamTimeMicros()).isEqualTo(5_000);
        assertThat(back.lastSeenMillis()).isEqualTo(77);
        assertThat(back.firstSighting("depth0", 1, 100, 64))
                .as("duplicate memory kept")
                .isFalse();
        assertThat(back.modality("depth0")).as("learnt from the next frame").isNull();
        assertThat(back.periodMicros("depth0")).isEmpty();
        assertThat(back.tolerances(ToleranceRule.auto(100_000)).bySensorMicros())
                .isEmpty();
        back.observe("depth0", Modality.DEPTH, 200);
        assertThat(back.modality("depth0")).isEqualTo(Modality.DEPTH);
    }

    @Test
    void theWindowRecognisesRepeatsAmongRecentAndOutOfOrderSequenceNumbers() {
        SequenceWindow window = new SequenceWindow(100);
        assertThat(window.size()).isEqualTo(128);
        assertThat(window.firstSighting(10, 1_000)).isTrue();
        assertThat(window.firstSighting(12, 1_200)).isTrue();
        assertThat(window.firstSighting(11, 1_100)).as("late but new").isTrue();
        assertThat(window.firstSighting(11, 1_100)).isFalse();
        assertThat(window.firstSighting(12, 1_200)).isFalse();
        assertThat(window.firstSighting(10, 1_000)).isFalse();

        assertThat(window.firstSighting(12 + 127, 5_000)).isTrue();
        assertThat(window.firstSighting(12, 1_200))
                .as("still inside the window")
                .isFalse();
        assertThat(window.firstSighting(12 + 128, 5_100)).isTrue();
        assertThat(window.firstSighting(12, 1_200))
                .as("the window has moved past it")
                .isTrue();
    }

    @Test
    void aLowerSequenceNumberWithANewerCaptureTimeIsACounterRestartNotARepeat() {
        SequenceWindow window = new SequenceWindow(64);
        for (long seq = 0; seq < 10; seq++) {
            window.firstSighting(seq, seq * 100);
        }

        assertThat(window.firstSighting(0, 5_000)).isTrue();
        assertThat(window.firstSighting(1, 5_100)).isTrue();
        assertThat(window.firstSighting(1, 5_100)).isFalse();
    }

    @Test
    void skippedSequenceNumbersDoNotInheritBitsFromAFullTurnAgo() {
        SequenceWindow window = new SequenceWindow(64);
        window.firstSighting(1, 100);
        window.firstSighting(64, 6_400); // 2..63 were lost; bit 1 is 65's bit in the next turn

        assertThat(window.firstSighting(65 + 1, 6_600)).isTrue();
        assertThat(window.firstSighting(65, 6_500)).as("65 was never seen").isTrue();
    }

    @Test
    void resizingKeepsTheNewestSequenceNumbers() {
        SequenceWindow window = new SequenceWindow(256);
        for (long seq = 0; seq < 200; seq++) {
            window.firstSighting(seq, seq * 100);
        }

        SequenceWindow smaller = window.resized(64);
        assertThat(smaller.firstSighting(199, 19_900)).isFalse();
        assertThat(smaller.firstSighting(136, 13_600)).isFalse();
        assertThat(smaller.firstSighting(100, 10_000))
                .as("older than the smaller window")
                .isTrue();
    }
}
