package dev.edgevl.schemas.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * A reader schema that reads only part of a record: Avro's schema resolution skips the fields the reader lacks (a
 * {@code bytes} field by its length, without copying it). For a reader that needs a record's small fields far more often
 * than its bulk, e.g. a stream job that sheds a pair needs who and when, not its pixels. Records keep their fields
 * and order less the dropped ones, under the name {@code Name + suffix} with the original full name as an alias (so
 * decoding does not fill the generated class, whose field positions differ, but a {@code GenericRecord}); enums and
 * fixed types keep their names.
 */
public final class Projection {
    private Projection() {}

    /** {@code schema} without the fields named in {@code dropped}, in every record it holds. */
    public static Schema without(Schema schema, Set<String> dropped, String suffix) {
        return copy(schema, dropped, suffix, new HashMap<>());
    }

    private static Schema copy(Schema schema, Set<String> dropped, String suffix, Map<String, Schema> done) {
        switch (schema.getType()) {
            case RECORD -> {
                Schema made = done.get(schema.getFullName());
                if (made != null) {
                    return made; // a named type used twice is defined once
                }
                made = Schema.createRecord(
                        schema.getName() + suffix, schema.getDoc(), schema.getNamespace(), schema.isError());
                made.addAlias(schema.getFullName());
                done.put(schema.getFullName(), made);
                List<Schema.Field> fields = new ArrayList<>();
                for (Schema.Field f : schema.getFields()) {
                    if (!dropped.contains(f.name())) {
                        fields.add(new Schema.Field(f, copy(f.schema(), dropped, suffix, done)));
                    }
                }
                made.setFields(fields);
                return made;
            }
            case UNION -> {
                List<Schema> branches = new ArrayList<>();
                for (Schema branch : schema.getTypes()) {
                    branches.add(copy(branch, dropped, suffix, done));
                }
                return Schema.createUnion(branches);
            }
            case ARRAY -> {
                return Schema.createArray(copy(schema.getElementType(), dropped, suffix, done));
            }
            case MAP -> {
                return Schema.createMap(copy(schema.getValueType(), dropped, suffix, done));
            }
            default -> {
                return schema;
            }
        }
    }
}
