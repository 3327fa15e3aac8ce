package dev.edgevl.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.SampleRecords;
import dev.edgevl.schemas.serde.RecordDecodingException.Problem;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class ConfluentSerdeTest {
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerdes serdes = AvroSerdes.confluent(registry, true);

    @Test
    void everyRecordTypeRoundTripsAndIsRegisteredUnderTheTopicValueSubject() {
        for (SpecificRecord record : SampleRecords.all()) {
            @SuppressWarnings("unchecked")
            Serde<SpecificRecord> serde = serdes.avro((Class<SpecificRecord>) record.getClass());
            String topic = "topic-" + record.getSchema().getName();
            byte[] bytes = serde.serializer().serialize(topic, record);
            assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(record);
            assertThat(registry.subjects()).contains(topic + "-value");
        }
    }

    @Test
    void messagesCarryMagicZeroAndTheRegistryId() {
        byte[] bytes =
                serdes.avro(SensorFrame.class).serializer().serialize("frames.rgb", SampleRecords.rgbFrame("d", 1));
        int id = registry.idOf("frames.rgb-value", SensorFrame.getClassSchema());
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsRefusedClearly() {
        AvroSerdes lookupOnly = AvroSerdes.confluent(registry, false);
        assertThatThrownBy(() -> lookupOnly
                        .avro(SensorFrame.class)
                        .serializer()
                        .serialize("frames.rgb", SampleRecords.rgbFrame("d", 1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("frames.rgb-value")
                .hasMessageContaining("edgevl schemas register");
        registry.register("frames.rgb-value", SensorFrame.getClassSchema());
        assertThat(lookupOnly
                        .avro(SensorFrame.class)
                        .serializer()
                        .serialize("frames.rgb", SampleRecords.rgbFrame("d", 1)))
                .isNotEmpty();
    }

    @Test
    void wrongMagicIsNamed() {
        byte[] bytes = valid();
        bytes[0] = 0x07;
        assertThatThrownBy(() -> decode(bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.WRONG_MAGIC))
                .hasMessageContaining("frames.rgb")
                .hasMessageContaining("07");
    }

    @Test
    void singleObjectBytesGetAHint() {
        byte[] single = AvroSerdes.singleObject()
                .avro(SensorFrame.class)
                .serializer()
                .serialize("frames.rgb", SampleRecords.rgbFrame("d", 1));
        assertThatThrownBy(() -> decode(single))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.WRONG_MAGIC))
                .hasMessageContaining("serde.format=single-object");
    }

    @Test
    void truncatedIsNamed() {
        assertThatThrownBy(() -> decode(new byte[] {0, 0, 1}))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.TRUNCATED));
        byte[] full = valid();
        assertThatThrownBy(() -> decode(Arrays.copyOf(full, full.length - 9)))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.TRUNCATED));
    }

    @Test
    void unknownIdIsNamed() {
        byte[] bytes = valid();
        ByteBuffer.wrap(bytes).putInt(1, 4242);
        assertThatThrownBy(() -> decode(bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.UNKNOWN_SCHEMA))
                .hasMessageContaining("4242");
    }

    @Test
    void aRegistryOutageIsNotBlamedOnTheRecord() {
        byte[] bytes = valid();
        InMemorySchemaRegistry other = new InMemorySchemaRegistry();
        other.down = true;
        assertThatThrownBy(() -> AvroSerdes.confluent(other, true)
                        .avro(SensorFrame.class)
                        .deserializer()
                        .deserialize("frames.rgb", bytes))
                .isInstanceOf(SerializationException.class)
                .isNotInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("did not answer");
    }

    @Test
    void anotherRecordTypeIsNamed() {
        byte[] pair = serdes.avro(FramePair.class).serializer().serialize("frames.paired", SampleRecords.pair("d", 1));
        assertThatThrownBy(() -> decode(pair))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.WRONG_TYPE));
    }

    @Test
    void anOlderWriterRegisteredInTheRegistryIsReadWithDefaults() {
        Schema old = SchemaEvolution.withoutFields(SensorFrame.getClassSchema(), "publishTime", "attributes");
        int oldId = registry.register("frames.rgb-value", old);
        GenericRecord oldRecord = SchemaEvolution.copy(SampleRecords.rgbFrame("d", 9), old);
        SensorFrame read = decode(SchemaEvolution.confluent(oldRecord, old, oldId));
        assertThat(read.getSequence()).isEqualTo(9);
        assertThat(read.getPublishTime()).isNull();
        assertThat(read.getAttributes()).isEmpty();
    }

    private byte[] valid() {
        return serdes.avro(SensorFrame.class).serializer().serialize("frames.rgb", SampleRecords.rgbFrame("d", 1));
    }

    private SensorFrame decode(byte[] bytes) {
        return serdes.avro(SensorFrame.class).deserializer().deserialize("frames.rgb", bytes);
    }
}
