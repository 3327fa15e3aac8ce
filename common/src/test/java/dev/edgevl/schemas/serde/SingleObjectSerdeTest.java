package dev.edgevl.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.SampleRecords;
import dev.edgevl.schemas.serde.RecordDecodingException.Problem;
import dev.edgevl.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class SingleObjectSerdeTest {
    private final AvroSerdes serdes = AvroSerdes.singleObject();

    @Test
    void everyRecordTypeRoundTrips() {
        for (SpecificRecord record : SampleRecords.all()) {
            assertThat(roundTrip(record)).as(record.getSchema().getName()).isEqualTo(record);
        }
    }

    @Test
    void recordsOfEverySizeEncodedOneAfterAnotherOnOneThreadEachStandAlone() {
        // Each thread reuses one output buffer: a small record after a large one (and after one too large to keep) must
        // come out whole, and no message may share bytes with the next.
        Serde<SensorFrame> serde = serdes.avro(SensorFrame.class);
        SensorFrame small = SampleRecords.rgbFrame("d", 1);
        byte[] smallAlone = serde.serializer().serialize("t", small);
        for (int pixels : new int[] {64 * 64 * 3, (1 << 20) + 1, 12}) {
            SensorFrame frame = SensorFrame.newBuilder(small)
                    .setData(ByteBuffer.wrap(new byte[pixels]))
                    .build();
            byte[] big = serde.serializer().serialize("t", frame);
            byte[] after = serde.serializer().serialize("t", small);

            assertThat(after).isEqualTo(smallAlone);
            assertThat(serde.deserializer().deserialize("t", big)).isEqualTo(frame);
            assertThat(serde.deserializer().deserialize("t", after)).isEqualTo(small);
        }
    }

    @Test
    void aTypesSerdeIsMadeOnceAndSharedSoAskingPerRecordCostsNothing() {
        // Making a serde computes its schema's fingerprint, which costs more than encoding a 20 KB pair: code that asks
        // for one per record (a bench's writer and reader did) must get the one already made.
        assertThat(serdes.avro(SensorFrame.class)).isSameAs(serdes.avro(SensorFrame.class));
        assertThat(serdes.valueSerde(Topics.FRAMES_RGB)).isSameAs(serdes.avro(SensorFrame.class));
        assertThat(serdes.avro(LabelEvent.class)).isNotSameAs(serdes.avro(SensorFrame.class));
    }

    @Test
    void messagesStartWithTheSingleObjectMarkerAndFingerprint() {
        byte[] bytes = serdes.avro(SensorFrame.class).serializer().serialize("t", SampleRecords.rgbFrame("d", 1));
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(Arrays.copyOfRange(bytes, 0, 10))
                .isEqualTo(SingleObjectSerde.header(KnownSchemas.fingerprint(SensorFrame.getClassSchema())));
    }

    @Test
    void nullIsATombstoneBothWays() {
        Serde<LabelEvent> serde = serdes.avro(LabelEvent.class);
        assertThat(serde.serializer().serialize("labels", null)).isNull();
        assertThat(serde.deserializer().deserialize("labels", null)).isNull();
    }

    @Test
    void wrongMagicIsNamed() {
        byte[] bytes = valid();
        bytes[1] = 0x02;
        assertThatThrownBy(() -> decode("frames.rgb", bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.WRONG_MAGIC);
                    assertThat(e.topic()).isEqualTo("frames.rgb");
                    assertThat(e.recordType()).isEqualTo("SensorFrame");
                })
                .hasMessageContaining("frames.rgb")
                .hasMessageContaining("C3 02");
    }

    @Test
    void confluentFramedBytesGetAHint() {
        byte[] confluent = {0, 0, 0, 0, 7, 2, 4, 6};
        assertThatThrownBy(() -> decode("frames.rgb", confluent))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.WRONG_MAGIC))
                .hasMessageContaining("serde.format=confluent");
    }

    @Test
    void truncatedHeaderIsNamed() {
        byte[] bytes = Arrays.copyOf(valid(), 6);
        assertThatThrownBy(() -> decode("frames.rgb", bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.TRUNCATED))
                .hasMessageContaining("only 6 bytes");
        assertThatThrownBy(() -> decode("frames.rgb", new byte[0]))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.TRUNCATED));
    }

    @Test
    void truncatedBodyIsNamed() {
        byte[] full = valid();
        byte[] cut = Arrays.copyOf(full, full.length - 20);
        assertThatThrownBy(() -> decode("frames.rgb", cut))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.TRUNCATED))
                .hasMessageContaining("ends early");
    }

    @Test
    void unknownFingerprintIsNamed() {
        byte[] bytes = valid();
        bytes[5] ^= 0x5A;
        assertThatThrownBy(() -> decode("frames.rgb", bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.UNKNOWN_SCHEMA))
                .hasMessageContaining("fingerprint");
    }

    @Test
    void leftoverBytesAreCorruption() {
        byte[] full = valid();
        byte[] longer = Arrays.copyOf(full, full.length + 3);
        assertThatThrownBy(() -> decode("frames.rgb", longer))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.CORRUPT))
                .hasMessageContaining("3 bytes are left over");
    }

    @Test
    void garbageBodyIsCorruption() {
        byte[] bytes = valid();
        // A huge negative string length where deviceId's length should be.
        byte[] garbage = Arrays.copyOf(bytes, bytes.length);
        garbage[10] = (byte) 0x81;
        garbage[11] = (byte) 0xFF;
        garbage[12] = (byte) 0xFF;
        garbage[13] = (byte) 0xFF;
        garbage[14] = (byte) 0x0F;
        assertThatThrownBy(() -> decode("frames.rgb", garbage))
                .isInstanceOf(RecordDecodingException.class)
                .satisfies(e ->
                        assertThat(((RecordDecodingException) e).problem()).isIn(Problem.CORRUPT, Problem.TRUNCATED));
    }

    @Test
    void anotherRecordTypeIsNamed() {
        byte[] status =
                serdes.avro(DeviceStatus.class).serializer().serialize("fleet.status", SampleRecords.deviceStatus("d"));
        assertThatThrownBy(() -> decode("frames.rgb", status))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.WRONG_TYPE))
                .hasMessageContaining("dev.edgevl.avro.DeviceStatus");
    }

    @Test
    void anOlderWriterIsReadWithDefaultsFilledIn() {
        // An older SensorFrame without the optional publishTime and attributes fields.
        Schema old = SchemaEvolution.withoutFields(SensorFrame.getClassSchema(), "publishTime", "attributes");
        SensorFrame current = SampleRecords.rgbFrame("d", 3);
        GenericRecord oldRecord = SchemaEvolution.copy(current, old);
        byte[] bytes = SchemaEvolution.singleObject(oldRecord, old);

        // Not in the history: the reader says it does not know the schema...
        assertThatThrownBy(() -> decode("frames.rgb", bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.UNKNOWN_SCHEMA));
        // ...and once it is known, the record is read with the new fields at their defaults.
        AvroSerdes knowing = AvroSerdes.singleObject(KnownSchemas.standard().add(old));
        SensorFrame read = knowing.avro(SensorFrame.class).deserializer().deserialize("frames.rgb", bytes);
        assertThat(read.getDeviceId()).isEqualTo("d");
        assertThat(read.getSequence()).isEqualTo(3);
        assertThat(read.getPublishTime()).isNull();
        assertThat(read.getAttributes()).isEmpty();
        assertThat(read.getData()).isEqualTo(current.getData());
    }

    @Test
    void aNewerWriterWithAnExtraFieldIsReadByTheCurrentClass() {
        Schema newer = SchemaEvolution.withExtraOptionalField(SensorFrame.getClassSchema(), "exposureMicros");
        GenericRecord newRecord = SchemaEvolution.copy(SampleRecords.rgbFrame("d", 4), newer);
        newRecord.put("exposureMicros", 1500L);
        byte[] bytes = SchemaEvolution.singleObject(newRecord, newer);
        AvroSerdes knowing = AvroSerdes.singleObject(KnownSchemas.standard().add(newer));
        SensorFrame read = knowing.avro(SensorFrame.class).deserializer().deserialize("frames.rgb", bytes);
        assertThat(read).isEqualTo(SampleRecords.rgbFrame("d", 4));
    }

    private byte[] valid() {
        return serdes.avro(SensorFrame.class).serializer().serialize("frames.rgb", SampleRecords.rgbFrame("dev-1", 1));
    }

    private SensorFrame decode(String topic, byte[] bytes) {
        return serdes.avro(SensorFrame.class).deserializer().deserialize(topic, bytes);
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> T roundTrip(T record) {
        Serde<T> serde = serdes.avro((Class<T>) record.getClass());
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", record));
    }
}
