package dev.edgevl.schemas.serde;

import dev.edgevl.schemas.serde.RecordDecodingException.Problem;
import org.apache.avro.Schema;

final class SchemaChecks {
    private SchemaChecks() {}

    /** Avro would resolve two unrelated records field by field and fail obscurely; say plainly instead. */
    static void requireSameType(String topic, Schema writer, Schema reader) {
        boolean same = writer.getFullName().equals(reader.getFullName())
                || reader.getAliases().contains(writer.getFullName());
        if (!same) {
            throw new RecordDecodingException(
                    topic,
                    reader.getName(),
                    Problem.WRONG_TYPE,
                    "the message holds a " + writer.getFullName() + ", not a " + reader.getFullName()
                            + "; it was written to the wrong topic.",
                    null);
        }
    }
}
