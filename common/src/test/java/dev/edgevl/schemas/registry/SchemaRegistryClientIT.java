package dev.edgevl.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The client against a real Apicurio Registry through its Confluent-compatible API. One registry
 * serves the whole class, so every test works on subjects of its own and leaves the global
 * compatibility level alone.
 */
class SchemaRegistryClientIT {

    private static final Schema V1 = SchemaBuilder.record("Reading")
            .namespace("dev.edgevl.it")
            .fields()
            .requiredString("sensor")
            .requiredDouble("value")
            .endRecord();
    /** V1 plus a field with a default: old records still read, so BACKWARD allows it. */
    private static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("Reading")
            .namespace("dev.edgevl.it")
            .fields()
            .requiredString("sensor")
            .requiredDouble("value")
            .name("unit")
            .type()
            .stringType()
            .stringDefault("celsius")
            .endRecord();
    /** V1 plus a field without a default: old records lack it, so BACKWARD refuses it. */
    private static final Schema V2_NEW_REQUIRED_FIELD = SchemaBuilder.record("Reading")
            .namespace("dev.edgevl.it")
            .fields()
            .requiredString("sensor")
            .requiredDouble("value")
            .requiredString("unit")
            .endRecord();
    /** V1 with value turned into a string: a double cannot be read as a string. */
    private static final Schema V2_CHANGED_TYPE = SchemaBuilder.record("Reading")
            .namespace("dev.edgevl.it")
            .fields()
            .requiredString("sensor")
            .requiredString("value")
            .endRecord();

    private static ApicurioRegistry apicurio;
    private static SchemaRegistryClient client;

    private String subject;

    @BeforeAll
    static void startRegistry() {
        apicurio = ApicurioRegistry.start();
        client = new SchemaRegistryClient(
                RegistryConfig.builder().url(apicurio.url().toString()).build());
    }

    @AfterAll
    static void stopRegistry() {
        if (client != null) {
            client.close();
        }
        if (apicurio != null) {
            apicurio.close();
        }
    }

    @BeforeEach
    void nameSubject(TestInfo test) {
        subject = test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID() + "-value";
    }

    @Test
    void registersAndReadsTheSchemaBackById() {
        int id = client.register(subject, V1);

        assertThat(id).isPositive();
        Schema readBack = fresh(c -> c.schemaById(id));
        assertThat(readBack).isEqualTo(V1);
        assertThat(client.subjects()).contains(subject);
    }

    @Test
    void registeringTheSameSchemaAgainKeepsItsId() {
        int id = client.register(subject, V1);

        int again = fresh(c -> c.register(subject, V1));
        int lookedUp = fresh(c -> c.idOf(subject, V1));
        assertThat(again).isEqualTo(id);
        assertThat(lookedUp).isEqualTo(id);
    }

    @Test
    void idOfDoesNotRegister() {
        client.register(subject, V1);

        assertThatThrownBy(() -> client.idOf(subject, V2_WITH_DEFAULT))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                });
        assertThatThrownBy(() -> client.idOf(subject + "-absent", V1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
                });
    }

    @Test
    void setsAndReadsASubjectsCompatibility() {
        client.register(subject, V1);

        assertThat(client.setCompatibility(subject, CompatibilityLevel.BACKWARD))
                .isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.compatibility(subject)).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void anUnknownSubjectHasTheGlobalLevelAndAcceptsAnything() {
        // Apicurio answers 40401 for /config of an unknown subject, so this goes through the fall-back.
        assertThat(client.compatibility(subject)).isEqualTo(client.compatibility(subject + "-other"));
        // Apicurio answers 40402 (no version 'latest') here.
        assertThat(client.isCompatible(subject, V1)).isTrue();
    }

    @Test
    void acceptsACompatibleEvolutionUnderBackward() {
        int v1 = client.register(subject, V1);
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);

        assertThat(client.isCompatible(subject, V2_WITH_DEFAULT)).isTrue();
        int v2 = client.register(subject, V2_WITH_DEFAULT);

        assertThat(v2).isNotEqualTo(v1);
        Schema readBack = fresh(c -> c.schemaById(v2));
        assertThat(readBack).isEqualTo(V2_WITH_DEFAULT);
    }

    @Test
    void refusesAnIncompatibleEvolutionUnderBackward() {
        client.register(subject, V1);
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);

        for (Schema breaking : new Schema[] {V2_NEW_REQUIRED_FIELD, V2_CHANGED_TYPE}) {
            assertThat(client.isCompatible(subject, breaking))
                    .as(breaking.toString())
                    .isFalse();
            assertThatThrownBy(() -> client.register(subject, breaking))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(409);
                        assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                        assertThat(e.getMessage()).contains(subject, "compatibility level");
                    });
        }
    }

    @Test
    void anUnknownIdIsSchemaNotFound() {
        assertThatThrownBy(() -> client.schemaById(987_654_321))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                    assertThat(e.registryMessage()).contains("987654321");
                    assertThat(e.url().getPath()).endsWith("/apis/ccompat/v7/schemas/ids/987654321");
                });
    }

    /** Asks through a client with empty caches, so the answer really comes from the registry. */
    private static <T> T fresh(Function<SchemaRegistryClient, T> call) {
        try (SchemaRegistryClient uncached = new SchemaRegistryClient(client.config())) {
            return call.apply(uncached);
        }
    }
}
