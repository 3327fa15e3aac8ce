package dev.edgevl.sync;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** Small valid frames at chosen capture times, for the topology and integration tests. */
final class TestFrames {
    static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    private static final int SIDE = 4;

    private TestFrames() {}

    /** An RGB frame captured {@code micros} after T0. */
    static SensorFrame rgb(String device, long sequence, long micros) {
        return frame(device, "rgb0", Modality.RGB, PixelEncoding.RGB8, 3, sequence, micros);
    }

    static SensorFrame depth(String device, long sequence, long micros) {
        return frame(device, "depth0", Modality.DEPTH, PixelEncoding.DEPTH16_MM, 2, sequence, micros);
    }

    static SensorFrame thermal(String device, long sequence, long micros) {
        return frame(device, "thermal0", Modality.THERMAL, PixelEncoding.THERMAL16_CK, 2, sequence, micros);
    }

    static SensorFrame frame(
            String device,
            String sensor,
            Modality modality,
            PixelEncoding encoding,
            int bytesPerPixel,
            long sequence,
            long micros) {
        byte[] pixels = new byte[SIDE * SIDE * bytesPerPixel];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (sequence + i);
        }
        return SensorFrame.newBuilder()
                .setDeviceId(device)
                .setSensorId(sensor)
                .setModality(modality)
                .setCaptureTime(T0.plus(micros, ChronoUnit.MICROS))
                .setSequence(sequence)
                .setWidth(SIDE)
                .setHeight(SIDE)
                .setEncoding(encoding)
                .setData(ByteBuffer.wrap(pixels))
                .setAttributes(Map.of())
                .build();
    }

    static long micros(SensorFrame frame) {
        return FrameTimes.captureMicros(frame);
    }
}
