package dev.edgevl.schemas.serde;

import dev.edgevl.schemas.registry.CatalogueSchemas;
import dev.edgevl.schemas.registry.SchemaRegistry;
import dev.edgevl.schemas.registry.SchemaRegistryException;
import dev.edgevl.schemas.serde.RecordDecodingException.Problem;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Confluent wire format ({@code 00} + 4-byte schema id + body) backed by a schema registry, with
 * subjects named by {@link CatalogueSchemas#valueSubject}. Instances are thread-safe.
 */
final class ConfluentSerde {
    static final int HEADER_LENGTH = 5;
    private static final byte MAGIC = 0x00;

    private ConfluentSerde() {}

    static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_LENGTH).put(MAGIC).putInt(schemaId).array();
    }

    static final class Writer<T extends SpecificRecord> implements Serializer<T> {
        private final Schema schema;
        private final SchemaRegistry registry;
        private final boolean autoRegister;
        private final DatumWriter<T> writer;
        private final Map<String, byte[]> headerByTopic = new ConcurrentHashMap<>();

        Writer(Schema schema, SchemaRegistry registry, boolean autoRegister) {
            this.schema = schema;
            this.registry = registry;
            this.autoRegister = autoRegister;
            this.writer = AvroBinary.writer(schema);
        }

        @Override
        public byte[] serialize(String topic, T record) {
            if (record == null) {
                return null;
            }
            byte[] header = headerByTopic.computeIfAbsent(topic, this::headerFor);
            return AvroBinary.encode(header, record, writer);
        }

        private byte[] headerFor(String topic) {
            String subject = CatalogueSchemas.valueSubject(topic);
            try {
                int id = autoRegister ? registry.register(subject, schema) : registry.idOf(subject, schema);
                return header(id);
            } catch (SchemaRegistryException e) {
                throw new SerializationException(
                        "Cannot write a " + schema.getName() + " to topic '" + topic + "': the schema registry "
                                + (autoRegister ? "refused to register" : "does not have")
                                + " the schema under subject '" + subject + "' (" + e.getMessage() + ")."
                                + (autoRegister
                                        ? ""
                                        : " Register it first (edgevl schemas register) or set registry.auto-register=true."),
                        e);
            }
        }
    }

    static final class Reader<T> implements Deserializer<T> {
        private final Schema readerSchema;
        private final SchemaRegistry registry;
        private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

        Reader(Schema readerSchema, SchemaRegistry registry) {
            this.readerSchema = readerSchema;
            this.registry = registry;
        }

        @Override
        public T deserialize(String topic, byte[] data) {
            if (data == null) {
                return null; // a tombstone on a compacted topic
            }
            String type = readerSchema.getName();
            if (data.length >= 2 && data[0] == (byte) 0xC3 && data[1] == 0x01) {
                throw new RecordDecodingException(
                        topic,
                        type,
                        Problem.WRONG_MAGIC,
                        "the message starts with C3 01, the marker of Avro single-object encoding, but this reader expects the "
                                + "Confluent wire format (00). Set serde.format=single-object to read it.",
                        null);
            }
            if (data.length < HEADER_LENGTH) {
                throw new RecordDecodingException(
                        topic,
                        type,
                        Problem.TRUNCATED,
                        "only " + data.length + " bytes; the Confluent wire format needs at least a " + HEADER_LENGTH
                                + "-byte header.",
                        null);
            }
            if (data[0] != MAGIC) {
                throw new RecordDecodingException(
                        topic,
                        type,
                        Problem.WRONG_MAGIC,
                        "the first byte is " + HexFormat.of().withUpperCase().toHexDigits(data[0])
                                + " instead of 00, so it is not in the Confluent wire format.",
                        null);
            }
            int id = ByteBuffer.wrap(data, 1, 4).getInt();
            DatumReader<T> reader = readers.computeIfAbsent(id, i -> readerFor(topic, i));
            return RecordContent.check(AvroBinary.decode(data, HEADER_LENGTH, reader, topic, type), topic, type);
        }

        private DatumReader<T> readerFor(String topic, int id) {
            Schema writer;
            try {
                writer = registry.schemaById(id);
            } catch (SchemaRegistryException e) {
                if (e.httpStatus() == 404) {
                    throw new RecordDecodingException(
                            topic,
                            readerSchema.getName(),
                            Problem.UNKNOWN_SCHEMA,
                            "the schema registry has no schema with id " + id
                                    + "; the message was written against another registry "
                                    + "or the bytes are not a record.",
                            e);
                }
                // Not the message's fault: the registry could not be asked. Surface it without calling the record bad.
                throw new SerializationException(
                        "Cannot decode a " + readerSchema.getName() + " from topic '" + topic
                                + "': the schema registry did not answer for schema id " + id + " (" + e.getMessage()
                                + ").",
                        e);
            }
            SchemaChecks.requireSameType(topic, writer, readerSchema);
            return AvroBinary.reader(writer, readerSchema);
        }
    }
}
