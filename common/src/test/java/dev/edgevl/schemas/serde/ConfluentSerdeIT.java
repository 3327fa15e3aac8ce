package dev.edgevl.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.SampleRecords;
import dev.edgevl.schemas.registry.ApicurioRegistry;
import dev.edgevl.schemas.registry.CatalogueSchemas;
import dev.edgevl.schemas.registry.CompatibilityLevel;
import dev.edgevl.schemas.registry.RegistryConfig;
import dev.edgevl.schemas.registry.SchemaRegistryClient;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Confluent-format serde against a real registry (Apicurio's Confluent-compatible API), including schema evolution. */
class ConfluentSerdeIT {
    private static ApicurioRegistry server;
    private static SchemaRegistryClient registry;

    @BeforeAll
    static void start() {
        server = ApicurioRegistry.start();
        registry = new SchemaRegistryClient(
                RegistryConfig.builder().urls(List.of(server.url())).build());
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String topic() {
        return "frames-" + UUID.randomUUID();
    }

    @Test
    void aCompatibleEvolutionIsAcceptedAndOldRecordsReadWithDefaults() {
        String topic = topic();
        String subject = topic + "-value";
        registry.setCompatibility(subject, CompatibilityLevel.BACKWARD);
        // An older producer registered a SensorFrame without the optional fields and wrote with it.
        Schema old = SchemaEvolution.withoutFields(SensorFrame.getClassSchema(), "publishTime", "attributes");
        int oldId = registry.register(subject, old);
        GenericRecord oldRecord = SchemaEvolution.copy(SampleRecords.rgbFrame("d", 5), old);
        byte[] oldBytes = SchemaEvolution.confluent(oldRecord, old, oldId);

        // Today's producer registers the current schema (backward compatible: new fields have defaults).
        AvroSerdes serdes = AvroSerdes.confluent(registry, true);
        SensorFrame current = SampleRecords.rgbFrame("d", 6);
        byte[] newBytes = serdes.avro(SensorFrame.class).serializer().serialize(topic, current);
        assertThat(registry.idOf(subject, SensorFrame.getClassSchema())).isNotEqualTo(oldId);

        // A fresh reader fetches both writer schemas by id and reads both messages.
        AvroSerdes reader = AvroSerdes.confluent(
                new SchemaRegistryClient(
                        RegistryConfig.builder().urls(List.of(server.url())).build()),
                false);
        SensorFrame fromOld = reader.avro(SensorFrame.class).deserializer().deserialize(topic, oldBytes);
        assertThat(fromOld.getSequence()).isEqualTo(5);
        assertThat(fromOld.getAttributes()).isEmpty();
        assertThat(reader.avro(SensorFrame.class).deserializer().deserialize(topic, newBytes))
                .isEqualTo(current);
    }

    @Test
    void anIncompatibleEvolutionIsRefusedByTheRegistryAndTheWriterSaysSo() {
        String topic = topic();
        String subject = topic + "-value";
        registry.setCompatibility(subject, CompatibilityLevel.BACKWARD);
        AvroSerdes serdes = AvroSerdes.confluent(registry, true);
        serdes.avro(SensorFrame.class).serializer().serialize(topic, SampleRecords.rgbFrame("d", 1));

        Schema breaking = SchemaEvolution.withExtraRequiredField(SensorFrame.getClassSchema(), "exposureMicros");
        assertThat(registry.isCompatible(subject, breaking)).isFalse();
        // A writer built on the breaking schema cannot register it, so it never writes unreadable records.
        ConfluentSerde.Writer<SensorFrame> writer = new ConfluentSerde.Writer<>(breaking, registry, true);
        assertThatThrownBy(() -> writer.serialize(topic, SampleRecords.rgbFrame("d", 2)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("refused to register")
                .hasMessageContaining(subject);
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsAnUnknownSchema() {
        byte[] bytes = AvroSerdes.confluent(registry, true)
                .avro(SensorFrame.class)
                .serializer()
                .serialize(topic(), SampleRecords.rgbFrame("d", 1));
        java.nio.ByteBuffer.wrap(bytes).putInt(1, 987_654);
        assertThatThrownBy(() -> AvroSerdes.confluent(registry, true)
                        .avro(SensorFrame.class)
                        .deserializer()
                        .deserialize("frames.rgb", bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(RecordDecodingException.Problem.UNKNOWN_SCHEMA));
    }

    @Test
    void theCatalogueIsRegisteredAheadOfTimeAndAnIncompatibleSubjectIsReportedNotFatal() {
        // Someone registered a SensorFrame under frames.aux-value whose sequence is text: today's schema cannot follow
        // it.
        Schema clash = SchemaEvolution.withFieldType(
                SensorFrame.getClassSchema(), "sequence", Schema.create(Schema.Type.STRING));
        registry.register("frames.aux-value", clash);

        List<CatalogueSchemas.Outcome> outcomes =
                CatalogueSchemas.register(registry, java.util.Optional.of(CompatibilityLevel.BACKWARD));
        assertThat(outcomes).hasSize(dev.edgevl.schemas.topics.Topics.ALL.size());
        CatalogueSchemas.Outcome aux = outcomes.stream()
                .filter(o -> o.subject().equals("frames.aux-value"))
                .findFirst()
                .orElseThrow();
        assertThat(aux.registered()).isFalse();
        assertThat(aux.refusal()).get().asString().contains("BACKWARD");
        outcomes.stream()
                .filter(o -> o != aux)
                .forEach(o -> assertThat(o.registered()).as(o.subject()).isTrue());
        assertThat(registry.compatibility("frames.paired-value")).isEqualTo(CompatibilityLevel.BACKWARD);

        // Producers that may not register now find their schemas.
        AvroSerdes lookupOnly = AvroSerdes.confluent(registry, false);
        byte[] bytes = lookupOnly
                .avro(dev.edgevl.avro.FramePair.class)
                .serializer()
                .serialize("frames.paired", SampleRecords.pair("d", 1));
        assertThat(lookupOnly
                        .avro(dev.edgevl.avro.FramePair.class)
                        .deserializer()
                        .deserialize("frames.paired", bytes))
                .isEqualTo(SampleRecords.pair("d", 1));
    }
}
