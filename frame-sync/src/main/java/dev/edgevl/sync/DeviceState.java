package dev.edgevl.sync;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What frame sync keeps per device between frames: its stream time (newest capture time seen, by the device's
 * own clock), when it was last heard from, and each sensor's recent sequence numbers for duplicate detection.
 */
final class DeviceState {
    private static final byte FORMAT_VERSION = 1;
    private static final long NO_TIME = Long.MIN_VALUE;

    private long streamTimeMicros = NO_TIME;
    private long lastSeenMillis;
    private final Map<String, SequenceWindow> recent = new TreeMap<>();

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

    /** The device's clock was reset or had jumped: its time starts again from this frame. */
    void restartClock(long captureMicros) {
        streamTimeMicros = captureMicros;
    }

    /** False when this sensor's frame (sequence + capture time) was seen recently: a duplicate. */
    boolean firstSighting(String sensorId, long sequence, long captureMicros, int memory) {
        SequenceWindow window = recent.get(sensorId);
        if (window == null) {
            window = new SequenceWindow(memory);
        } else if (window.size() != new SequenceWindow(memory).size()) {
            window = window.resized(memory); // sync.duplicate-memory changed since the state was written
        }
        recent.put(sensorId, window);
        return window.firstSighting(sequence, captureMicros);
    }

    static Serde<DeviceState> serde() {
        Serializer<DeviceState> serializer = (topic, state) -> state == null ? null : state.toBytes();
        Deserializer<DeviceState> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + recent.size() * 160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeLong(streamTimeMicros);
            out.writeLong(lastSeenMillis);
            out.writeInt(recent.size());
            for (Map.Entry<String, SequenceWindow> sensor : recent.entrySet()) {
                SequenceWindow window = sensor.getValue();
                out.writeUTF(sensor.getKey());
                out.writeLong(window.highSequence());
                out.writeLong(window.highCaptureMicros());
                long[] words = window.words();
                out.writeInt(words.length);
                for (long word : words) {
                    out.writeLong(word);
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
            if (version != FORMAT_VERSION) {
                throw new SerializationException(
                        "Frame-sync device state has format version " + version + ", this build reads " + FORMAT_VERSION
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
                state.recent.put(sensorId, SequenceWindow.of(highSequence, highCaptureMicros, words));
            }
            return state;
        } catch (IOException e) {
            throw new SerializationException("Frame-sync device state is corrupt: " + e.getMessage(), e);
        }
    }
}
