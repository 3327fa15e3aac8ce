package dev.edgevl.sync;

import dev.edgevl.avro.Modality;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What frame sync keeps per device between frames: its stream time (newest capture time seen, by the device's
 * own clock), when it was last heard from, and per sensor its recent sequence numbers for duplicate detection, its
 * modality and its estimated frame period, from which the sensor's tolerance follows ({@link #tolerances}).
 *
 * <p>Serialized form: format 2 adds each sensor's modality and frame-period estimate after its duplicate memory.
 * Format 1 (written before frame periods were kept) is still read: its sensors start without a modality or period, as
 * if not heard from yet, and learn them from their next frames.
 */
public final class DeviceState {
    /** A device not heard from yet. */
    public DeviceState() {}

    static final byte FORMAT_VERSION = 2;
    /** The format without modalities and frame periods, still read. */
    static final byte FORMAT_VERSION_1 = 1;

    private static final long NO_TIME = Long.MIN_VALUE;
    /** How many frames back a sensor's horizon looks for a missing one. */
    private static final int HORIZON_LOOKBACK = 64;

    private static final String NO_MODALITY = "";

    /** One sensor of the device. */
    private static final class Sensor {
        SequenceWindow window;
        /** Null until a frame of this sensor was seen by a build that keeps modalities. */
        Modality modality;

        FramePeriod period = new FramePeriod();
    }

    private long streamTimeMicros = NO_TIME;
    private long lastSeenMillis;
    private final Map<String, Sensor> sensors = new TreeMap<>();

    boolean hasClock() {
        return streamTimeMicros != NO_TIME;
    }

    long streamTimeMicros() {
        return streamTimeMicros;
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    void heardFrom(long nowMillis) {
        lastSeenMillis = Math.max(lastSeenMillis, nowMillis);
    }

    void advanceClock(long captureMicros) {
        streamTimeMicros = Math.max(streamTimeMicros, captureMicros);
    }

    /** The device's clock was reset or had jumped: its time starts again from this frame, and so do frame intervals. */
    void restartClock(long captureMicros) {
        streamTimeMicros = captureMicros;
        sensors.values().forEach(sensor -> sensor.period.restart());
    }

    /** False when this sensor's frame (sequence + capture time) was seen recently: a duplicate. */
    boolean firstSighting(String sensorId, long sequence, long captureMicros, int memory) {
        Sensor sensor = sensor(sensorId);
        if (sensor.window == null) {
            sensor.window = new SequenceWindow(memory);
        } else if (sensor.window.size() != new SequenceWindow(memory).size()) {
            sensor.window = sensor.window.resized(memory); // sync.duplicate-memory changed since the state was written
        }
        return sensor.window.firstSighting(sequence, captureMicros);
    }

    /** Learns from a frame that is not a duplicate: the sensor's modality, and an interval for its frame period. */
    public void observe(String sensorId, Modality modality, long captureMicros) {
        Sensor sensor = sensor(sensorId);
        sensor.modality = modality;
        sensor.period.observe(captureMicros);
    }

    /** The sensor's modality, or null when not known (not seen, or only seen before modalities were kept). */
    Modality modality(String sensorId) {
        Sensor sensor = sensors.get(sensorId);
        return sensor == null ? null : sensor.modality;
    }

    /** The sensor's estimated frame period, when known. */
    OptionalLong periodMicros(String sensorId) {
        Sensor sensor = sensors.get(sensorId);
        return sensor == null ? OptionalLong.empty() : sensor.period.micros();
    }

    /**
     * The tolerance of each of the device's non-RGB sensors under {@code rule}, given the frame periods known now. The
     * RGB side of every pair is the device's RGB camera; a device with several takes the longest RGB period. Sensors of
     * unknown modality, and sensors not heard from yet, get {@link ToleranceRule#unseenSensorMicros}.
     */
    public FrameMatcher.Tolerances tolerances(ToleranceRule rule) {
        OptionalLong rgbPeriod = OptionalLong.empty();
        for (Sensor sensor : sensors.values()) {
            OptionalLong period = sensor.period.micros();
            if (sensor.modality == Modality.RGB && period.isPresent()) {
                rgbPeriod = OptionalLong.of(Math.max(rgbPeriod.orElse(0), period.getAsLong()));
            }
        }
        Map<String, Long> bySensor = new TreeMap<>();
        for (Map.Entry<String, Sensor> entry : sensors.entrySet()) {
            Modality modality = entry.getValue().modality;
            if (modality != null && modality != Modality.RGB) {
                bySensor.put(
                        entry.getKey(),
                        rule.micros(modality, entry.getValue().period.micros(), rgbPeriod));
            }
        }
        return new FrameMatcher.Tolerances(bySensor, rule.unseenSensorMicros());
    }

    /**
     * What each sensor has surely sent, from its sequence numbers and frame period ({@link FrameMatcher.Horizon}): the
     * frames of an unbroken run of sequence numbers up to the newest have all arrived, and the next one comes no sooner
     * after the newest than the shortest recent interval less its shortfall from the period (the jitter seen, once more),
     * and less 1 ms; never less than half a period. A sensor without a period estimate has none. A sensor whose newest
     * frame is more than {@code stoppedAfterMicros} behind the device's stream time has stopped (its other sensors went
     * on without it): nothing more is expected from it until it sends again.
     */
    public FrameMatcher.Horizons horizons(long stoppedAfterMicros) {
        Map<String, FrameMatcher.Horizon> bySensor = new TreeMap<>();
        Set<String> rgb = new TreeSet<>();
        Set<String> stopped = new TreeSet<>();
        for (Map.Entry<String, Sensor> entry : sensors.entrySet()) {
            Sensor sensor = entry.getValue();
            if (sensor.modality == Modality.RGB) {
                rgb.add(entry.getKey());
            }
            if (sensor.window != null
                    && sensor.window.highSequence() >= 0
                    && hasClock()
                    && streamTimeMicros - sensor.window.highCaptureMicros() > stoppedAfterMicros) {
                stopped.add(entry.getKey());
            }
            OptionalLong period = sensor.period.micros();
            if (sensor.window == null || period.isEmpty() || sensor.window.highSequence() < 0) {
                continue;
            }
            long p = period.getAsLong();
            long newest = sensor.window.highCaptureMicros();
            // Runs each frame: a look 64 frames back is plenty (waiting frames are a period or two old) and bounded.
            long run = sensor.window.seenRun(HORIZON_LOOKBACK);
            // The frame before the run is missing (about run periods before the newest), unless the run goes back to
            // the sensor's first frame.
            long from = run > sensor.window.highSequence() ? Long.MIN_VALUE : newest - run * p + p / 4;
            long shortest = sensor.period.shortestMicros().orElse(p);
            long next = Math.max(p / 2, 2 * shortest - p - 1_000);
            bySensor.put(entry.getKey(), new FrameMatcher.Horizon(from, newest + next));
        }
        return new FrameMatcher.Horizons(bySensor, rgb, stopped);
    }

    private Sensor sensor(String sensorId) {
        return sensors.computeIfAbsent(sensorId, id -> new Sensor());
    }

    static Serde<DeviceState> serde() {
        Serializer<DeviceState> serializer = (topic, state) -> state == null ? null : state.toBytes();
        Deserializer<DeviceState> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + sensors.size() * 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeLong(streamTimeMicros);
            out.writeLong(lastSeenMillis);
            out.writeInt(sensors.size());
            for (Map.Entry<String, Sensor> entry : sensors.entrySet()) {
                Sensor sensor = entry.getValue();
                SequenceWindow window = sensor.window == null ? new SequenceWindow(1) : sensor.window;
                out.writeUTF(entry.getKey());
                out.writeLong(window.highSequence());
                out.writeLong(window.highCaptureMicros());
                long[] words = window.words();
                out.writeInt(words.length);
                for (long word : words) {
                    out.writeLong(word);
                }
                // Format 2 from here on.
                out.writeUTF(sensor.modality == null ? NO_MODALITY : sensor.modality.name());
                out.writeLong(sensor.period.newestCaptureMicros());
                long[] samples = sensor.period.samples();
                out.writeByte(samples.length);
                for (long sample : samples) {
                    out.writeLong(sample);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    private static DeviceState fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION && version != FORMAT_VERSION_1) {
                throw new SerializationException("Frame-sync device state has format version " + version
                        + ", this build reads " + FORMAT_VERSION_1
                        + " and " + FORMAT_VERSION
                        + "; it was written by a newer frame sync. Run the newer version or reset the application.");
            }
            DeviceState state = new DeviceState();
            state.streamTimeMicros = in.readLong();
            state.lastSeenMillis = in.readLong();
            int sensors = in.readInt();
            for (int s = 0; s < sensors; s++) {
                String sensorId = in.readUTF();
                long highSequence = in.readLong();
                long highCaptureMicros = in.readLong();
                long[] words = new long[in.readInt()];
                for (int i = 0; i < words.length; i++) {
                    words[i] = in.readLong();
                }
                Sensor sensor = new Sensor();
                sensor.window = SequenceWindow.of(highSequence, highCaptureMicros, words);
                if (version >= FORMAT_VERSION) {
                    String modality = in.readUTF();
                    sensor.modality = modality.equals(NO_MODALITY) ? null : knownModality(modality);
                    long newestCaptureMicros = in.readLong();
                    long[] samples = new long[in.readUnsignedByte()];
                    for (int i = 0; i < samples.length; i++) {
                        samples[i] = in.readLong();
                    }
                    sensor.period = FramePeriod.of(newestCaptureMicros, samples);
                }
                state.sensors.put(sensorId, sensor);
            }
            return state;
        } catch (IOException e) {
            throw new SerializationException("Frame-sync device state is corrupt: " + e.getMessage(), e);
        }
    }

    /** A modality this build does not know (a newer frame sync's) reads as unknown: the sensor relearns it. */
    private static Modality knownModality(String name) {
        try {
            return Modality.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
