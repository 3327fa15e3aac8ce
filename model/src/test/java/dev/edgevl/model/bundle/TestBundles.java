package dev.edgevl.model.bundle;

import dev.edgevl.avro.Modality;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Bundles for tests: a realistic manifest, model-like bytes, and hand-made zips the writer would never produce. */
final class TestBundles {
    static final Instant CREATED = Instant.parse("2025-03-01T12:00:00.123Z");

    private TestBundles() {}

    static BundleManifest.Builder manifest() {
        return BundleManifest.builder()
                .family("student")
                .version(7)
                .parentVersion(6L)
                .createdAt(CREATED)
                .teacherId("synthetic-clip-v1")
                .embeddingDim(128)
                .input(BundleInput.of(64, 64, 3, 0.5f, 0.25f, Modality.RGB, Modality.DEPTH, Modality.THERMAL)
                        .withResize("AREA"))
                .labelSetHash("9f2c41d0")
                .metric("gate.nonRgbAgreement", 0.8125)
                .metric("train.loss", 0.0421)
                .quantization("int8 static QDQ, per-channel weights, per-tensor activations")
                .entry("model.onnx");
    }

    /** Incompressible, like int8 weights. */
    static byte[] modelBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("model.onnx", modelBytes(20_000, 1));
        files.put("labels.json", "[\"cube\",\"sphere\",\"torus\"]".getBytes(StandardCharsets.UTF_8));
        return files;
    }

    static byte[] bundle() {
        return new BundleWriter().write(manifest().build(), files());
    }

    /** A zip with exactly these entries, in this order, deflated: what a careless or hostile tool could make. */
    static byte[] rawZip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The manifest JSON a real bundle of {@link #files()} would carry, for hand-made zips to start from. */
    static String manifestJson(Map<String, byte[]> files) {
        Map<String, String> digests = new LinkedHashMap<>();
        files.forEach((name, content) -> digests.put(name, Digests.sha256Hex(content)));
        return new String(
                ManifestJson.write(manifest().build().withFiles(BundleManifest.FORMAT_VERSION, digests)),
                StandardCharsets.UTF_8);
    }

    static Map<String, byte[]> entries(String manifestJson, Map<String, byte[]> files) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("manifest.json", manifestJson.getBytes(StandardCharsets.UTF_8));
        entries.putAll(files);
        return entries;
    }
}
