package dev.edgevl.sync;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A compact binary form of {@link PendingFrame} for the state store and its changelog. Internal state, not part
 * of the topic contract, so it carries a version byte instead of an Avro schema.
 */
final class PendingFrameSerde {
    private static final byte FORMAT_VERSION = 1;

    private PendingFrameSerde() {}

    static Serde<PendingFrame> serde() {
        Serializer<PendingFrame> serializer = (topic, frame) -> serialize(frame);
        Deserializer<PendingFrame> deserializer = (topic, data) -> deserialize(data);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    static byte[] serialize(PendingFrame frame) {
        if (frame == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeUTF(frame.deviceId());
            out.writeUTF(frame.sensorId());
            out.writeBoolean(frame.rgb());
            out.writeLong(frame.captureMicros());
            out.writeLong(frame.sequence());
            out.writeLong(frame.arrivedMillis());
            out.writeInt(frame.pairedWith().size());
            for (String sensor : frame.pairedWith()) {
                out.writeUTF(sensor);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    static PendingFrame deserialize(byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new SerializationException("A waiting frame in frame-sync state has format version " + version
                        + ", this build reads " + FORMAT_VERSION + "; it was written by a newer frame sync.");
            }
            String deviceId = in.readUTF();
            String sensorId = in.readUTF();
            boolean rgb = in.readBoolean();
            long captureMicros = in.readLong();
            long sequence = in.readLong();
            long arrivedMillis = in.readLong();
            int paired = in.readInt();
            Set<String> pairedWith = new HashSet<>();
            for (int i = 0; i < paired; i++) {
                pairedWith.add(in.readUTF());
            }
            return new PendingFrame(deviceId, sensorId, rgb, captureMicros, sequence, arrivedMillis, pairedWith);
        } catch (IOException e) {
            throw new SerializationException("A waiting frame in frame-sync state is corrupt: " + e.getMessage(), e);
        }
    }
}
