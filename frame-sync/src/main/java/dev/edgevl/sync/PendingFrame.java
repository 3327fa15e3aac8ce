package dev.edgevl.sync;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.SensorFrame;
import java.util.Collections;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What frame sync needs to know about a frame while it waits for a decision. The pixels stay in a
 * separate store, so matching, which runs on every arriving frame, never copies images.
 *
 * @param arrivedMillis wall-clock time the frame reached frame sync, for {@code sync.max-wait}
 * @param pairedWith    for an RGB frame: the non-RGB sensors that have already paired with it (each may only once)
 */
public record PendingFrame(
        String deviceId,
        String sensorId,
        boolean rgb,
        long captureMicros,
        long sequence,
        long arrivedMillis,
        Set<String> pairedWith) {

    /** Separates the parts of a store key; validation keeps control characters out of device and sensor ids. */
    private static final char SEPARATOR = '\u0000';
    /** Enough digits for any non-negative long, so keys sort in time order. */
    private static final int DIGITS = 19;

    static final Comparator<PendingFrame> TIME_ORDER = Comparator.comparingLong(PendingFrame::captureMicros)
            .thenComparing(PendingFrame::sensorId)
            .thenComparingLong(PendingFrame::sequence);

    public PendingFrame {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(sensorId, "sensorId");
        SortedSet<String> sorted = new TreeSet<>(pairedWith);
        pairedWith = Collections.unmodifiableSortedSet(sorted);
    }

    public static PendingFrame of(SensorFrame frame, long arrivedMillis) {
        return new PendingFrame(
                frame.getDeviceId(),
                frame.getSensorId(),
                frame.getModality() == Modality.RGB,
                FrameTimes.captureMicros(frame),
                frame.getSequence(),
                arrivedMillis,
                Set.of());
    }

    /** The same RGB frame, now also used by non-RGB sensor {@code auxSensorId}. */
    public PendingFrame pairedWith(String auxSensorId) {
        Set<String> more = new TreeSet<>(pairedWith);
        more.add(auxSensorId);
        return new PendingFrame(deviceId, sensorId, rgb, captureMicros, sequence, arrivedMillis, more);
    }

    /** Store key: device, then capture time, so one prefix scan returns a device's frames in time order. */
    public String key() {
        StringBuilder key = new StringBuilder(deviceId.length() + sensorId.length() + 2 * DIGITS + 3);
        key.append(deviceId).append(SEPARATOR);
        zeroPadded(key, captureMicros).append(SEPARATOR).append(sensorId).append(SEPARATOR);
        return zeroPadded(key, sequence).toString();
    }

    /** String.format would do, but keys are built several times per frame on the hot path. */
    private static StringBuilder zeroPadded(StringBuilder into, long value) {
        String digits = Long.toString(value);
        into.append("0".repeat(Math.max(0, DIGITS - digits.length())));
        return into.append(digits);
    }

    public static String devicePrefix(String deviceId) {
        return deviceId + SEPARATOR;
    }

    @Override
    public String toString() {
        return deviceId + "/" + sensorId + "#" + sequence + "@" + captureMicros;
    }
}
