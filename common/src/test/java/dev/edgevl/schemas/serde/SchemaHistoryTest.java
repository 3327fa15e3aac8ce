package dev.edgevl.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Guards the contract's evolution. Single-object readers find writer schemas by fingerprint only, so
 * every released schema is kept in the history, and every one must stay readable by today's classes.
 * When this fails after a schema change: add the new schema's JSON to the history (see docs/topics.md),
 * and make the change backward compatible (new fields need defaults).
 */
class SchemaHistoryTest {
    private final List<Schema> history = KnownSchemas.historyFiles().stream()
            .map(json -> new Schema.Parser().parse(json))
            .toList();

    @Test
    void everyCurrentSchemaIsRecordedInTheHistory() {
        Set<Long> recorded = history.stream().map(KnownSchemas::fingerprint).collect(Collectors.toSet());
        for (var type : RecordTypes.ALL) {
            Schema current = RecordTypes.schemaOf(type);
            assertThat(recorded)
                    .as(
                            "%s's current schema (fingerprint %016x) is in the schema history",
                            current.getName(), KnownSchemas.fingerprint(current))
                    .contains(KnownSchemas.fingerprint(current));
        }
    }

    @Test
    void everyRecordedSchemaIsReadableByTheCurrentClass() {
        for (Schema old : history) {
            Schema current = RecordTypes.ALL.stream()
                    .map(RecordTypes::schemaOf)
                    .filter(s -> s.getFullName().equals(old.getFullName()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("The history holds " + old.getFullName()
                            + ", which is no longer a record of the contract"));
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
            assertThat(result.getType())
                    .as("current %s reads the recorded version: %s", current.getName(), result.getDescription())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void theStandardStoreKnowsCurrentAndRecordedSchemas() {
        assertThat(KnownSchemas.standard().size()).isGreaterThanOrEqualTo(RecordTypes.ALL.size());
    }
}
