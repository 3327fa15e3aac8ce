package dev.edgevl.cli;

import dev.edgevl.avro.ModelVersion;
import dev.edgevl.model.bundle.BundleDelivery;
import dev.edgevl.model.bundle.BundleInput;
import dev.edgevl.model.bundle.BundleManifest;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.BundleWriter;
import dev.edgevl.model.bundle.ModelBundle;
import dev.edgevl.model.bundle.ModelVersions;
import dev.edgevl.model.bundle.SignedBundle;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.serde.RecordContent;
import dev.edgevl.schemas.topics.Topic;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Poison for any topic of the catalogue, made from one real record of it: bytes that are no record, a record of another
 * type, an unknown schema fingerprint, a cut-off record, and well-formed records whose content is wrong (an embedding
 * of NaN, of zeros or of the wrong size; an empty label; a frame whose header lies about its size; times ten years
 * ahead). Content kinds apply where the record has such a field, at any depth.
 */
final class PoisonRecords {
    /** One poison record: what is wrong with it, and its value bytes. */
    record Poison(String kind, byte[] value) {}

    private static final Instant FAR_FUTURE = Instant.now().plus(Duration.ofDays(3650));

    private PoisonRecords() {}

    /**
     * @param sample    a real value of {@code topic}, in its wire format
     * @param otherType a real value of another topic
     */
    static List<Poison> of(Topic<String, ?> topic, byte[] sample, byte[] otherType, AvroSerdes serdes) {
        List<Poison> out = new ArrayList<>();
        byte[] noise = new byte[64];
        new Random(topic.name().hashCode()).nextBytes(noise);
        noise[0] = 0x7F; // not the marker of either wire format
        out.add(new Poison("undecodable bytes", noise));
        out.add(new Poison("a record of another type", otherType));
        byte[] unknown = sample.clone();
        Arrays.fill(unknown, 2, 10, (byte) 0xAB); // single-object: C3 01, then the 8-byte schema fingerprint
        out.add(new Poison("an unknown schema fingerprint", unknown));
        out.add(new Poison("a cut-off record", Arrays.copyOf(sample, sample.length / 2)));
        SpecificRecord record = decode(topic, sample, serdes);
        content("an embedding of NaN", record, r -> embeddings(r, n -> filled(n, Float.NaN)), topic, serdes, out);
        content("an all-zero embedding", record, r -> embeddings(r, n -> filled(n, 0f)), topic, serdes, out);
        content(
                "an embedding of the wrong size",
                record,
                r -> embeddings(r, n -> filled(7, 0.378f)),
                topic,
                serdes,
                out);
        content("an empty label", record, PoisonRecords::emptyLabels, topic, serdes, out);
        content("a frame whose header lies about its size", record, PoisonRecords::lyingFrames, topic, serdes, out);
        content("times ten years ahead", record, PoisonRecords::futureTimes, topic, serdes, out);
        return out;
    }

    /**
     * A models record signed by a trusted key for a version past {@code live}, whose manifest says its graph takes
     * images of another size than it does: it verifies, and fits no reader's input.
     */
    static Poison unfitModel(ModelVersion live, KeyPair trusted, AvroSerdes serdes, Topic<String, ModelVersion> topic) {
        ModelBundle bundle = ModelBundle.parse(live.getBundle().array());
        BundleManifest m = bundle.manifest();
        BundleInput in = m.input();
        BundleInput wrong = new BundleInput(
                in.width() + 8, in.height() + 8, in.channels(), in.mean(), in.std(), in.resize(), in.modalities());
        BundleManifest lying = new BundleManifest(
                m.formatVersion(),
                m.family(),
                live.getVersion() + 1000,
                live.getVersion(),
                Instant.now(),
                m.teacherId(),
                m.embeddingDim(),
                wrong,
                m.labelSetHash(),
                m.metrics(),
                m.quantization(),
                m.entry(),
                m.modalityEntries(),
                m.files());
        Map<String, byte[]> files = new HashMap<>();
        bundle.fileNames().forEach(f -> files.put(f, bundle.file(f).orElseThrow()));
        byte[] bytes = new BundleWriter().write(lying, files);
        SignedBundle signed = BundleSigner.of(trusted).sign(bytes);
        ModelVersion record =
                ModelVersions.toRecord(signed, ModelBundle.parse(bytes), new BundleDelivery.Inline(), Instant.now());
        return new Poison(
                "a signed model whose graph does not take its declared input",
                serdes.valueSerde(topic).serializer().serialize(topic.name(), record));
    }

    private static SpecificRecord decode(Topic<String, ?> topic, byte[] value, AvroSerdes serdes) {
        return (SpecificRecord) serdes.valueSerde(topic).deserializer().deserialize(topic.name(), value);
    }

    @SuppressWarnings("unchecked")
    private static <V> void content(
            String kind,
            SpecificRecord sample,
            UnaryOperator<SpecificRecord> mutate,
            Topic<String, V> topic,
            AvroSerdes serdes,
            List<Poison> out) {
        SpecificRecord copy = SpecificData.get().deepCopy(sample.getSchema(), sample);
        if (mutate.apply(copy) != null) {
            out.add(new Poison(kind, serdes.valueSerde(topic).serializer().serialize(topic.name(), (V) copy)));
        }
    }

    private interface Resize {
        List<Float> of(int size);
    }

    /** Replaces every float-array field whose name says embedding; null when the record has none. */
    private static SpecificRecord embeddings(SpecificRecord r, Resize replacement) {
        return walk(r, (field, schema, value) -> {
            if (field.name().toLowerCase().contains("embedding")
                    && schema.getType() == Schema.Type.ARRAY
                    && schema.getElementType().getType() == Schema.Type.FLOAT
                    && value instanceof List<?> list
                    && !list.isEmpty()) {
                return replacement.of(list.size());
            }
            return null;
        });
    }

    private static SpecificRecord emptyLabels(SpecificRecord r) {
        return walk(
                r,
                (field, schema, value) ->
                        field.name().equals("label") && schema.getType() == Schema.Type.STRING ? "" : null);
    }

    /** Every frame, at any depth, says it is twice as wide as its data; null when the record holds no frame. */
    private static SpecificRecord lyingFrames(SpecificRecord r) {
        if (r.getSchema().getName().equals("SensorFrame")) {
            int width = r.getSchema().getField("width").pos();
            r.put(width, ((Integer) r.get(width)) * 2);
            return r;
        }
        boolean changed = false;
        for (Schema.Field field : r.getSchema().getFields()) {
            if (r.get(field.pos()) instanceof SpecificRecord nested) {
                changed |= lyingFrames(nested) != null;
            }
        }
        return changed ? r : null;
    }

    private static SpecificRecord futureTimes(SpecificRecord r) {
        return walk(r, (field, schema, value) -> {
            LogicalType type = schema.getLogicalType();
            if (value instanceof Instant
                    && (type instanceof LogicalTypes.TimestampMicros || type instanceof LogicalTypes.TimestampMillis)) {
                return FAR_FUTURE;
            }
            return null;
        });
    }

    private interface FieldChange {
        /** The field's new value, or null to leave it. */
        Object apply(Schema.Field field, Schema schema, Object value);
    }

    /** Applies {@code change} to every field of {@code r} and of the records nested in it; null when nothing changed. */
    private static SpecificRecord walk(SpecificRecord r, FieldChange change) {
        boolean changed = false;
        for (Schema.Field field : r.getSchema().getFields()) {
            Object value = r.get(field.pos());
            Object replaced = change.apply(field, RecordContent.nonNull(field.schema()), value);
            if (replaced != null) {
                r.put(field.pos(), replaced);
                changed = true;
            } else if (value instanceof SpecificRecord nested) {
                changed |= walk(nested, change) != null;
            }
        }
        return changed ? r : null;
    }

    private static List<Float> filled(int size, float value) {
        return new ArrayList<>(Collections.nCopies(size, value));
    }
}
