package dev.edgevl.eval.continual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.sync.FrameSyncConfig;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Frame sync's rules without Kafka: 10 fps RGB and depth, 9 fps thermal, in capture order, as the simulator sends them. */
class StreamPairingTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static SensorFrame frame(String sensor, Modality m, long seq, long micros) {
        return SensorFrame.newBuilder()
                .setDeviceId("dev-0")
                .setSensorId(sensor)
                .setModality(m)
                .setCaptureTime(T0.plusNanos(micros * 1_000))
                .setSequence(seq)
                .setWidth(1)
                .setHeight(1)
                .setEncoding(m == Modality.RGB ? PixelEncoding.RGB8 : PixelEncoding.DEPTH16_MM)
                .setData(ByteBuffer.wrap(new byte[m == Modality.RGB ? 3 : 2]))
                .setAttributes(Map.of())
                .build();
    }

    private static List<FramePair> pairAll(FrameSyncConfig config) {
        List<SensorFrame> frames = new ArrayList<>();
        for (long i = 0; i < 300; i++) {
            frames.add(frame("rgb0", Modality.RGB, i, i * 100_000));
            frames.add(frame("depth0", Modality.DEPTH, i, i * 100_000 + 4_000));
        }
        for (long i = 0; i < 270; i++) {
            frames.add(frame("thermal0", Modality.THERMAL, i, i * 111_111 - 6_000 + 6_000));
        }
        frames.sort(Comparator.comparing(SensorFrame::getCaptureTime));
        StreamPairing pairing = new StreamPairing(config);
        List<FramePair> out = new ArrayList<>();
        frames.forEach(f -> out.addAll(pairing.offer(f)));
        out.addAll(pairing.drain());
        return out;
    }

    private static long withRgb(List<FramePair> pairs, Modality m) {
        return pairs.stream()
                .filter(p -> p.getAux().getModality() == m && p.getRgb() != null)
                .count();
    }

    @Test
    void everyNonRgbFrameLeavesOnceAndThermalPairsAtTheDefaultTolerance() {
        List<FramePair> pairs = pairAll(FrameSyncConfig.defaults());
        assertThat(pairs).hasSize(300 + 270);
        assertThat(withRgb(pairs, Modality.DEPTH)).isEqualTo(300);
        assertThat(withRgb(pairs, Modality.THERMAL)).as("9 fps against 10 fps").isGreaterThanOrEqualTo(265);
        assertThat(pairs).filteredOn(p -> p.getRgb() != null).allSatisfy(p -> assertThat(Math.abs(p.getSkewMicros()))
                .isLessThanOrEqualTo(56_000));
    }

    @Test
    void aFixedTwentyMillisecondsLeavesMostThermalFramesAlone() {
        List<FramePair> pairs =
                pairAll(FrameSyncConfig.from(dev.edgevl.config.Settings.of(Map.of("sync.tolerance", "20ms"))));
        assertThat(withRgb(pairs, Modality.THERMAL)).isLessThan(150);
    }
}
