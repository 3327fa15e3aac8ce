package dev.edgevl.schemas.serde;

import dev.edgevl.schemas.serde.RecordDecodingException.Problem;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/** The Avro binary body that both wire formats share, and the one place decoding errors are translated. */
final class AvroBinary {
    private AvroBinary() {}

    static <T> DatumWriter<T> writer(Schema schema) {
        return new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema));
    }

    /** Reads data written with {@code writer} as {@code reader}, filling defaults for fields the writer lacked. */
    static <T> DatumReader<T> reader(Schema writer, Schema reader) {
        return new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
    }

    /** A buffer kept after an encoding at most this large; a larger one is let go, so a rare big record pins nothing. */
    private static final int KEPT_BUFFER_BYTES = 1 << 20;

    /** Each thread's output buffer and encoder, reused: a 20 KB pair no longer grows a fresh buffer seven times. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    }

    /** Writes {@code header} then the body. */
    static <T> byte[] encode(byte[] header, T record, DatumWriter<T> writer) {
        Scratch scratch = SCRATCH.get();
        ByteArrayOutputStream out = scratch.out;
        out.reset();
        out.writeBytes(header);
        try {
            writer.write(record, scratch.encoder);
            scratch.encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        } finally {
            if (out.size() > KEPT_BUFFER_BYTES) {
                scratch.out = new ByteArrayOutputStream(4096);
                scratch.encoder = EncoderFactory.get().directBinaryEncoder(scratch.out, null);
            }
        }
        return out.toByteArray();
    }

    /**
     * Decodes the body that starts at {@code offset}. Every failure becomes a {@link RecordDecodingException}:
     * a body that ends early is TRUNCATED, one with bytes left over or impossible values is CORRUPT.
     */
    static <T> T decode(byte[] data, int offset, DatumReader<T> reader, String topic, String recordType) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, null);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (EOFException e) {
            throw new RecordDecodingException(
                    topic,
                    recordType,
                    Problem.TRUNCATED,
                    "the record body ends early (" + data.length + " bytes in all); the message was cut short.",
                    e);
        } catch (IOException | RuntimeException e) {
            throw new RecordDecodingException(
                    topic,
                    recordType,
                    Problem.CORRUPT,
                    "the record body is not valid for its schema ("
                            + e.getClass().getSimpleName() + ": " + e.getMessage() + ").",
                    e);
        }
        try {
            if (!decoder.isEnd()) {
                int left = decoder.inputStream().available();
                throw new RecordDecodingException(
                        topic,
                        recordType,
                        Problem.CORRUPT,
                        left
                                + " bytes are left over after the record; the message is corrupt or was written with another schema.",
                        null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return record;
    }
}
