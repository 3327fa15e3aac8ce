package dev.edgevl.schemas.serde;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/** Makes older and newer versions of a schema, to test that readers survive evolution. */
final class SchemaEvolution {
    /** Generic data that writes the Instants of the generated classes as timestamps. */
    private static final GenericData GENERIC = new GenericData();

    static {
        GENERIC.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        GENERIC.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    }

    private SchemaEvolution() {}

    static Schema withoutFields(Schema schema, String... names) {
        List<String> drop = Arrays.asList(names);
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            if (!drop.contains(f.name())) {
                fields.add(copy(f));
            }
        }
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    static Schema withExtraOptionalField(Schema schema, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        schema.getFields().forEach(f -> fields.add(copy(f)));
        Schema optionalLong = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.LONG));
        fields.add(new Schema.Field(name, optionalLong, "added later", JsonProperties.NULL_VALUE));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    /** A schema with a new required field: readers of it cannot read records written before it. */
    static Schema withExtraRequiredField(Schema schema, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        schema.getFields().forEach(f -> fields.add(copy(f)));
        fields.add(new Schema.Field(name, Schema.create(Schema.Type.LONG), "added later, no default"));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    /** The same record with one field's type changed: an incompatible change. */
    static Schema withFieldType(Schema schema, String name, Schema type) {
        List<Schema.Field> fields = new ArrayList<>();
        schema.getFields()
                .forEach(f -> fields.add(f.name().equals(name) ? new Schema.Field(f.name(), type, f.doc()) : copy(f)));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static Schema.Field copy(Schema.Field f) {
        return new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal());
    }

    /** The fields of {@code record} that {@code schema} has, as a generic record of {@code schema}. */
    static GenericRecord copy(SpecificRecord record, Schema schema) {
        GenericRecord copy = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            Schema.Field source = record.getSchema().getField(f.name());
            if (source != null) {
                Object value = record.get(source.pos());
                copy.put(f.name(), GENERIC.deepCopy(source.schema(), toGeneric(value)));
            }
        }
        return copy;
    }

    private static Object toGeneric(Object value) {
        return value instanceof Enum<?> e ? new GenericData.EnumSymbol(null, e.name()) : value;
    }

    static byte[] singleObject(GenericRecord record, Schema schema) {
        return AvroBinary.encode(
                SingleObjectSerde.header(KnownSchemas.fingerprint(schema)),
                record,
                new GenericDatumWriter<>(schema, GENERIC));
    }

    static byte[] confluent(GenericRecord record, Schema schema, int id) {
        return AvroBinary.encode(ConfluentSerde.header(id), record, new GenericDatumWriter<>(schema, GENERIC));
    }
}
