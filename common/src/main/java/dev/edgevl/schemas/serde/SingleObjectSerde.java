package dev.edgevl.schemas.serde;

import dev.edgevl.schemas.serde.RecordDecodingException.Problem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro single-object encoding ({@code C3 01} + 8-byte fingerprint + body): no server, the writer schema
 * is looked up by fingerprint in {@link KnownSchemas}. Instances are thread-safe.
 */
final class SingleObjectSerde {
    static final int HEADER_LENGTH = 10;
    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = 0x01;

    private SingleObjectSerde() {}

    static byte[] header(long fingerprint) {
        return ByteBuffer.allocate(HEADER_LENGTH)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(MAGIC_0)
                .put(MAGIC_1)
                .putLong(fingerprint)
                .array();
    }

    static final class Writer<T extends SpecificRecord> implements Serializer<T> {
        private final byte[] header;
        private final DatumWriter<T> writer;

        Writer(Schema schema) {
            this.header = header(KnownSchemas.fingerprint(schema));
            this.writer = AvroBinary.writer(schema);
        }

        @Override
        public byte[] serialize(String topic, T record) {
            return record == null ? null : AvroBinary.encode(header, record, writer);
        }
    }

    static final class Reader<T> implements Deserializer<T> {
        private final Schema readerSchema;
        private final KnownSchemas known;
        private final Map<Long, DatumReader<T>> readers = new ConcurrentHashMap<>();

        Reader(Schema readerSchema, KnownSchemas known) {
            this.readerSchema = readerSchema;
            this.known = known;
        }

        @Override
        public T deserialize(String topic, byte[] data) {
            if (data == null) {
                return null; // a tombstone on a compacted topic
            }
            String type = readerSchema.getName();
            if (data.length >= 1 && data[0] == 0x00) {
                throw new RecordDecodingException(
                        topic,
                        type,
                        Problem.WRONG_MAGIC,
                        "the first byte is 0x00, the Confluent wire format's marker, but this reader expects Avro single-object "
                                + "encoding (C3 01). Set serde.format=confluent (and registry.url) to read it.",
                        null);
            }
            if (data.length < HEADER_LENGTH) {
                throw new RecordDecodingException(
                        topic,
                        type,
                        Problem.TRUNCATED,
                        "only " + data.length + " bytes; Avro single-object encoding needs at least a " + HEADER_LENGTH
                                + "-byte header.",
                        null);
            }
            if (data[0] != MAGIC_0 || data[1] != MAGIC_1) {
                throw new RecordDecodingException(
                        topic,
                        type,
                        Problem.WRONG_MAGIC,
                        "the message starts with "
                                + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(data, 0, 2)
                                + " instead of C3 01, so it is not Avro single-object encoding.",
                        null);
            }
            long fingerprint =
                    ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            DatumReader<T> reader = readers.computeIfAbsent(fingerprint, fp -> readerFor(topic, fp));
            return RecordContent.check(AvroBinary.decode(data, HEADER_LENGTH, reader, topic, type), topic, type);
        }

        private DatumReader<T> readerFor(String topic, long fingerprint) {
            Schema writer = known.find(fingerprint)
                    .orElseThrow(() -> new RecordDecodingException(
                            topic,
                            readerSchema.getName(),
                            Problem.UNKNOWN_SCHEMA,
                            "no known schema has fingerprint " + String.format("%016x", fingerprint)
                                    + "; the producer uses a schema version this reader was not built with (add it to the schema history) "
                                    + "or the bytes are not a record.",
                            null));
            SchemaChecks.requireSameType(topic, writer, readerSchema);
            return AvroBinary.reader(writer, readerSchema);
        }
    }
}
