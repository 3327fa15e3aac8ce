package dev.edgevl.teacher.requests;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.RouteReason;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherRequest;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** Small valid teacher requests, for the topology and integration tests. */
public final class TestRequests {
    public static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    private static final int SIDE = 8;

    private TestRequests() {}

    /** A request for device {@code device}'s pair number {@code sequence}, routed {@code sequence} ms after T0. */
    public static TeacherRequest withRgb(String device, long sequence) {
        return request(pair(device, sequence, rgb(device, sequence, new byte[SIDE * SIDE * 3])));
    }

    public static TeacherRequest withoutRgb(String device, long sequence) {
        return request(pair(device, sequence, null));
    }

    /** A request whose RGB frame claims 8×8 pixels but carries only {@code bytes} bytes. */
    public static TeacherRequest withShortRgb(String device, long sequence, int bytes) {
        return request(pair(device, sequence, rgb(device, sequence, new byte[bytes])));
    }

    private static TeacherRequest request(FramePair pair) {
        return TeacherRequest.newBuilder()
                .setPair(pair)
                .setReasons(List.of(RouteReason.values()[0]))
                .setRequestTime(T0.plus(pair.getAux().getSequence(), ChronoUnit.MILLIS))
                .build();
    }

    private static FramePair pair(String device, long sequence, SensorFrame rgb) {
        byte[] depth = new byte[SIDE * SIDE * 2];
        for (int i = 0; i < depth.length; i += 2) {
            depth[i] = (byte) (i + sequence);
            depth[i + 1] = 0x03;
        }
        SensorFrame aux = frame(device, "depth0", Modality.DEPTH, PixelEncoding.DEPTH16_MM, sequence, depth);
        return FramePair.newBuilder()
                .setDeviceId(device)
                .setRgb(rgb)
                .setAux(aux)
                .setSkewMicros(rgb == null ? null : 0L)
                .setOrigin(PairOrigin.FRAME_SYNC)
                .build();
    }

    /** A gradient that differs by sequence, so every request's image differs. */
    private static SensorFrame rgb(String device, long sequence, byte[] pixels) {
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * (sequence + 1));
        }
        return frame(device, "rgb0", Modality.RGB, PixelEncoding.RGB8, sequence, pixels);
    }

    private static SensorFrame frame(
            String device, String sensor, Modality modality, PixelEncoding encoding, long sequence, byte[] data) {
        return SensorFrame.newBuilder()
                .setDeviceId(device)
                .setSensorId(sensor)
                .setModality(modality)
                .setCaptureTime(T0.plus(sequence * 33, ChronoUnit.MILLIS))
                .setSequence(sequence)
                .setWidth(SIDE)
                .setHeight(SIDE)
                .setEncoding(encoding)
                .setData(ByteBuffer.wrap(data))
                .setAttributes(Map.of())
                .build();
    }
}
