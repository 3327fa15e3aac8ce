package dev.edgevl.inference;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.PairOrigin;
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
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/** Real signed student bundles, label embeddings and frame pairs, encoded as they travel on Kafka. */
final class TestWorld {
    static final String FAMILY = "student";
    static final int DIM = 8;
    static final KeyPair PUBLISHER = Keys.generate();
    static final KeyPair STRANGER = Keys.generate();
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final AvroSerdes SERDES = AvroSerdes.singleObject();

    private TestWorld() {}

    static String publicPem() {
        return Keys.toPem(PUBLISHER.getPublic());
    }

    static Path writePublicKey(Path dir) throws java.io.IOException {
        Path file = dir.resolve("publisher.pub.pem");
        Files.writeString(file, publicPem());
        return file;
    }

    static ModelVersion modelVersion(long version, long seed, KeyPair signer) {
        FoldedStudent student = Calibration.calibrate(TestStudents.tiny(seed), TestStudents.images(8, 16, seed + 1), 8);
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
    }

    /** A version whose thermal frames run a graph of their own: another student's ({@code thermalSeed}). */
    static ModelVersion modelWithThermalGraph(long version, long seed, long thermalSeed) {
        FoldedStudent student = Calibration.calibrate(TestStudents.tiny(seed), TestStudents.images(8, 16, seed + 1), 8);
        FoldedStudent thermal =
                Calibration.calibrate(TestStudents.tiny(thermalSeed), TestStudents.images(8, 16, seed + 1), 8);
        byte[] bundle = StudentBundles.int8(
                OnnxExporter.exportInt8(student),
                java.util.Map.of(Modality.THERMAL, OnnxExporter.exportInt8(thermal)),
                16,
                DIM,
                BundleManifest.builder()
                        .family(FAMILY)
                        .version(version)
                        .createdAt(T0)
                        .teacherId("test-teacher"));
        SignedBundle signed = BundleSigner.of(PUBLISHER).sign(bundle);
        return ModelVersions.toRecord(signed, ModelBundle.parse(bundle), new BundleDelivery.Inline(), T0);
    }

    /** The same pair with its non-RGB frame from a thermal camera (the same 16-bit pixels). */
    static FramePair asThermal(FramePair pair) {
        SensorFrame aux = SensorFrame.newBuilder(pair.getAux())
                .setSensorId("thermal0")
                .setModality(Modality.THERMAL)
                .setEncoding(PixelEncoding.THERMAL16_CK)
                .build();
        return FramePair.newBuilder(pair).setAux(aux).build();
    }

    static KafkaBytes pairRecord(FramePair pair, long offset) {
        return new KafkaBytes(
                Topics.FRAMES_PAIRED.name(),
                0,
                offset,
                pair.getAux().getCaptureTime().toEpochMilli(),
                bytes(pair.getDeviceId()),
                encode(pair));
    }

    static byte[] model(long version, long seed) {
        return encode(modelVersion(version, seed, PUBLISHER));
    }

    /** A version signed by a key the job does not trust. */
    static byte[] modelSignedByStranger(long version) {
        return encode(modelVersion(version, 99, STRANGER));
    }

    /** A correctly signed record whose bundle was changed afterwards: its SHA-256 no longer matches. */
    static byte[] tamperedModel(long version) {
        ModelVersion record = modelVersion(version, 7, PUBLISHER);
        byte[] bundle = record.getBundle().array().clone();
        bundle[bundle.length / 2] ^= 0x5a;
        return encode(ModelVersion.newBuilder(record)
                .setBundle(ByteBuffer.wrap(bundle))
                .build());
    }

    static byte[] encode(ModelVersion record) {
        return SERDES.valueSerde(Topics.MODELS).serializer().serialize(Topics.MODELS.name(), record);
    }

    static byte[] label(String name, long seed) {
        Random r = new Random(seed);
        float[] raw = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            raw[i] = (float) r.nextGaussian();
        }
        return label(name, "test-teacher", Embeddings.l2Normalize(raw));
    }

    static byte[] label(String name, String teacherId, float[] embedding) {
        LabelEmbedding l = LabelEmbedding.newBuilder()
                .setLabel(name)
                .setTeacherId(teacherId)
                .setEmbedding(Embeddings.boxed(embedding))
                .setPromptTemplates(List.of("a photo of a {}"))
                .setEmbeddedTime(T0)
                .build();
        return SERDES.valueSerde(Topics.LABELS_EMBEDDED).serializer().serialize(Topics.LABELS_EMBEDDED.name(), l);
    }

    /** Well-formed label records no model can score with, by name: all zeros, a NaN, 7 values, another teacher's. */
    static java.util.Map<String, byte[]> unusableLabels() {
        float[] nan = new float[DIM];
        nan[0] = 1;
        nan[1] = Float.NaN;
        java.util.Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        out.put("zero", label("zero", "test-teacher", new float[DIM]));
        out.put("nan", label("nan", "test-teacher", nan));
        out.put("seven", label("seven", "test-teacher", new float[] {1, 0, 0, 0, 0, 0, 0}));
        out.put(
                "foreign",
                label("foreign", "another-teacher", Embeddings.l2Normalize(new float[] {1, 1, 1, 1, 1, 1, 1, 1})));
        return out;
    }

    static FramePair pair(String device, long sequence, boolean withRgb) {
        Instant capture = T0.plusMillis(100 * sequence);
        SensorFrame aux = frame(device, "depth0", Modality.DEPTH, PixelEncoding.DEPTH16_MM, 2, sequence, capture);
        SensorFrame rgb = withRgb
                ? frame(device, "rgb0", Modality.RGB, PixelEncoding.RGB8, 3, sequence, capture.minusMillis(3))
                : null;
        return FramePair.newBuilder()
                .setDeviceId(device)
                .setRgb(rgb)
                .setAux(aux)
                .setSkewMicros(withRgb ? 3000L : null)
                .setOrigin(PairOrigin.FRAME_SYNC)
                .setPairedTime(capture.plusMillis(20))
                .build();
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
                data[i + 1] &= 0x0f; // keep readings under 4 m, little-endian
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

    static byte[] encode(FramePair pair) {
        return SERDES.valueSerde(Topics.FRAMES_PAIRED).serializer().serialize(Topics.FRAMES_PAIRED.name(), pair);
    }

    static KafkaBytes pairRecord(String device, long sequence, boolean withRgb, long offset) {
        return pairRecord(pair(device, sequence, withRgb), offset);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
