package dev.edgevl.device.agent;

import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.model.bundle.BundleDelivery;
import dev.edgevl.model.bundle.BundleManifest;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.model.bundle.ModelBundle;
import dev.edgevl.model.bundle.ModelVersions;
import dev.edgevl.model.bundle.SignedBundle;
import dev.edgevl.model.onnx.Calibration;
import dev.edgevl.model.onnx.OnnxExporter;
import dev.edgevl.model.onnx.StudentBundles;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.TestStudents;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.model.zeroshot.LiveLabels;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/** Real signed int8 student bundles on {@code models} records, label embeddings and device frames, for the agent's tests. */
final class SignedStudents {
    static final String FAMILY = "student";
    static final int DIM = 8;
    static final KeyPair PUBLISHER = Keys.generate();
    static final KeyPair STRANGER = Keys.generate();
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final AvroSerdes SERDES = AvroSerdes.singleObject();
    private static final Map<String, ModelVersion> MADE = new ConcurrentHashMap<>();

    private SignedStudents() {}

    /** Version {@code version} of a tiny student (16×16 in, 8 out), its weights drawn from {@code seed}, signed by {@code signer}. */
    static ModelVersion version(long version, long seed, KeyPair signer) {
        return MADE.computeIfAbsent(version + "/" + seed + "/" + Keys.keyId(signer.getPublic()), k -> {
            FoldedStudent student =
                    Calibration.calibrate(TestStudents.tiny(seed), TestStudents.images(8, 16, seed + 1), 8);
            byte[] bundle = StudentBundles.int8(
                    student,
                    BundleManifest.builder()
                            .family(FAMILY)
                            .version(version)
                            .parentVersion(version > 1 ? version - 1 : null)
                            .createdAt(T0)
                            .teacherId("test-teacher"));
            SignedBundle signed = BundleSigner.of(signer).sign(bundle);
            return ModelVersions.toRecord(signed, ModelBundle.parse(bundle), new BundleDelivery.Inline(), T0);
        });
    }

    static ModelVersion version(long version) {
        return version(version, version, PUBLISHER);
    }

    /** Signed by the publisher, but its manifest says the graph takes 24×24 images where it takes 16×16. */
    static ModelVersion misfit(long version) {
        FoldedStudent student = Calibration.calibrate(TestStudents.tiny(version), TestStudents.images(8, 16, 5), 8);
        byte[] bundle = StudentBundles.int8(
                OnnxExporter.exportInt8(student),
                24,
                student.embeddingDim(),
                BundleManifest.builder()
                        .family(FAMILY)
                        .version(version)
                        .createdAt(T0)
                        .teacherId("test-teacher"));
        SignedBundle signed = BundleSigner.of(PUBLISHER).sign(bundle);
        return ModelVersions.toRecord(signed, ModelBundle.parse(bundle), new BundleDelivery.Inline(), T0);
    }

    /** Signed correctly, then a byte of the bundle flipped on the way: its SHA-256 no longer matches. */
    static ModelVersion tampered(long version) {
        ModelVersion record = version(version, 70 + version, PUBLISHER);
        byte[] bundle = record.getBundle().array().clone();
        bundle[bundle.length / 2] ^= 0x5a;
        return ModelVersion.newBuilder(record)
                .setBundle(ByteBuffer.wrap(bundle))
                .build();
    }

    /** A good bundle whose record lost its signature. */
    static ModelVersion unsigned(long version) {
        return ModelVersion.newBuilder(version(version))
                .setSignature(ByteBuffer.allocate(0))
                .setSigningKeyId("")
                .build();
    }

    static ModelOffer offer(ModelVersion record) {
        return ModelOffer.of(record, "test");
    }

    static byte[] encode(ModelVersion record) {
        return SERDES.valueSerde(Topics.MODELS).serializer().serialize(Topics.MODELS.name(), record);
    }

    static Path writePublicKey(Path dir, KeyPair pair, String name) throws IOException {
        Path file = dir.resolve(name + ".pub.pem");
        Files.writeString(file, Keys.toPem(pair.getPublic()));
        return file;
    }

    static float[] labelEmbedding(long seed, int dim) {
        Random r = new Random(seed);
        float[] raw = new float[dim];
        for (int i = 0; i < dim; i++) {
            raw[i] = (float) r.nextGaussian();
        }
        return Embeddings.l2Normalize(raw);
    }

    static LiveLabels labels(String... names) {
        LiveLabels labels = LiveLabels.NONE;
        for (int i = 0; i < names.length; i++) {
            labels = labels.with(names[i], "test-teacher", labelEmbedding(i + 1, DIM));
        }
        return labels;
    }

    static LabelEmbedding labelRecord(String name, long seed) {
        return LabelEmbedding.newBuilder()
                .setLabel(name)
                .setTeacherId("test-teacher")
                .setEmbedding(Embeddings.boxed(labelEmbedding(seed, DIM)))
                .setPromptTemplates(List.of("a photo of a {}"))
                .setEmbeddedTime(T0)
                .build();
    }

    /** Well-formed records no model can score with: all zeros, a NaN, 7 values, another teacher's. */
    static List<LabelEmbedding> unusableLabelRecords() {
        float[] nan = labelEmbedding(11, DIM);
        nan[3] = Float.NaN;
        return List.of(
                label("zero", "test-teacher", new float[DIM]),
                label("nan", "test-teacher", nan),
                label("seven", "test-teacher", labelEmbedding(12, 7)),
                label("foreign", "another-teacher", labelEmbedding(13, DIM)));
    }

    private static LabelEmbedding label(String name, String teacher, float[] embedding) {
        return LabelEmbedding.newBuilder()
                .setLabel(name)
                .setTeacherId(teacher)
                .setEmbedding(Embeddings.boxed(embedding))
                .setPromptTemplates(List.of("a photo of a {}"))
                .setEmbeddedTime(T0)
                .build();
    }

    static byte[] encode(LabelEmbedding label) {
        return SERDES.valueSerde(Topics.LABELS_EMBEDDED).serializer().serialize(Topics.LABELS_EMBEDDED.name(), label);
    }

    static SensorFrame depth(String device, long sequence) {
        return frame(
                device,
                "depth0",
                Modality.DEPTH,
                PixelEncoding.DEPTH16_MM,
                2,
                sequence,
                T0.plusMillis(100 * sequence + 4));
    }

    static SensorFrame rgb(String device, long sequence) {
        return frame(device, "rgb0", Modality.RGB, PixelEncoding.RGB8, 3, sequence, T0.plusMillis(100 * sequence));
    }

    private static SensorFrame frame(
            String device,
            String sensor,
            Modality modality,
            PixelEncoding encoding,
            int bytesPerPixel,
            long sequence,
            Instant capture) {
        int w = 16;
        int h = 16;
        byte[] data = new byte[w * h * bytesPerPixel];
        Random r = new Random(device.hashCode() * 31L + sequence * 7 + modality.ordinal());
        r.nextBytes(data);
        if (encoding == PixelEncoding.DEPTH16_MM) {
            for (int i = 0; i < data.length; i += 2) {
                data[i + 1] &= 0x0f; // readings under 4 m, little-endian
            }
        }
        return SensorFrame.newBuilder()
                .setDeviceId(device)
                .setSensorId(sensor)
                .setModality(modality)
                .setCaptureTime(capture)
                .setSequence(sequence)
                .setWidth(w)
                .setHeight(h)
                .setEncoding(encoding)
                .setData(ByteBuffer.wrap(data))
                .build();
    }
}
