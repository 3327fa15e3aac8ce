package dev.edgevl.schemas.serde;

import dev.edgevl.schemas.serde.RecordDecodingException.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * What every reader requires of a record's content, whatever its type, checked by both wire formats' readers right
 * after decoding so that no service, agent or command has to: a well-formed record that breaks a rule is as unusable as
 * one that cannot be decoded, and goes the same way (a dead letter, or a skipped record with one log line). The rules,
 * on the record and every record nested in it:
 *
 * <ul>
 *   <li>no time (a {@code timestamp-millis} or {@code timestamp-micros} field) more than {@link #MAX_AHEAD} ahead of
 *       this machine's clock — Kafka's own limit for record timestamps ({@code log.message.timestamp.after.max.ms}), so
 *       a reader never writes a timestamp the broker refuses;</li>
 *   <li>an embedding (a float array field whose name ends in {@code embedding}), when it has values, has only finite
 *       ones and not all zero (it is L2-normalised where it is made);</li>
 *   <li>a {@code label} is not blank.</li>
 * </ul>
 *
 * Whether an embedding's size fits is the reader's to judge: only it knows the model or teacher it must match.
 */
public final class RecordContent {
    /** How far ahead of the reader's clock a record's times may be: the broker's default limit for timestamps. */
    public static final Duration MAX_AHEAD = Duration.ofHours(1);

    private RecordContent() {}

    /** The first rule {@code record} breaks, said in a sentence; empty when it breaks none. */
    public static Optional<String> problem(SpecificRecord record, Instant now) {
        return problem(record, now.plus(MAX_AHEAD), "");
    }

    /**
     * @return {@code record}
     * @throws RecordDecodingException ({@link Problem#INVALID_CONTENT}) when it breaks a rule
     */
    static <T> T check(T record, String topic, String recordType) {
        if (record instanceof SpecificRecord r) {
            problem(r, Instant.now()).ifPresent(p -> {
                throw new RecordDecodingException(topic, recordType, Problem.INVALID_CONTENT, p, null);
            });
        }
        return record;
    }

    private static Optional<String> problem(SpecificRecord record, Instant latest, String path) {
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            if (value == null) {
                continue;
            }
            String name = path + field.name();
            Schema schema = nonNull(field.schema());
            Optional<String> found = Optional.empty();
            if (value instanceof Instant time && isTimestamp(schema.getLogicalType()) && time.isAfter(latest)) {
                found = Optional.of(name + " " + time + " is more than " + MAX_AHEAD.toHours()
                        + " h ahead of this machine's clock; the writer's clock is wrong.");
            } else if (field.name().toLowerCase().endsWith("embedding")
                    && schema.getType() == Schema.Type.ARRAY
                    && value instanceof List<?> values) {
                found = embeddingProblem(name, values);
            } else if (field.name().equals("label") && value instanceof CharSequence label && isBlank(label)) {
                found = Optional.of(name + " is blank.");
            } else if (value instanceof SpecificRecord nested) {
                found = problem(nested, latest, name + ".");
            }
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> embeddingProblem(String name, List<?> values) {
        boolean allZero = true;
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) instanceof Float f) {
                if (!Float.isFinite(f)) {
                    return Optional.of(name + " has " + f + " at index " + i + "; an embedding must be finite.");
                }
                allZero &= f == 0f;
            }
        }
        return allZero && !values.isEmpty()
                ? Optional.of(name + " is all zeros (" + values.size() + " values), which matches nothing.")
                : Optional.empty();
    }

    private static boolean isTimestamp(LogicalType type) {
        return type instanceof LogicalTypes.TimestampMillis || type instanceof LogicalTypes.TimestampMicros;
    }

    private static boolean isBlank(CharSequence s) {
        return s.toString().isBlank();
    }

    /** An optional field's value schema (a union's branch that is not null); any other schema as it is. */
    public static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        return schema.getTypes().stream()
                .filter(s -> s.getType() != Schema.Type.NULL)
                .findFirst()
                .orElse(schema);
    }
}
