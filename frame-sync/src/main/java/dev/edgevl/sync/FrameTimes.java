package dev.edgevl.sync;

import dev.edgevl.avro.SensorFrame;
import java.time.Instant;

/** Capture times as microseconds since the epoch, the unit the Avro contract uses on the wire. */
final class FrameTimes {
    private FrameTimes() {}

    static long captureMicros(SensorFrame frame) {
        return micros(frame.getCaptureTime());
    }

    static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }
}
