package dev.edgevl.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.Modality;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class BundleRoundTripTest {
    private final KeyPair publisher = Keys.generate();

    @Test
    void aWrittenSignedBundleVerifiesAndReadsBackAsWritten() {
        byte[] bytes = TestBundles.bundle();
        SignedBundle signed = BundleSigner.of(publisher).sign(bytes);

        VerifiedBundle verified = new BundleVerifier(TrustedKeys.of(publisher.getPublic()))
                .verify(signed.bytes(), signed.sha256Hex(), signed.signature(), signed.keyId());

        BundleManifest manifest = verified.manifest();
        assertThat(verified.keyId()).isEqualTo(Keys.keyId(publisher.getPublic()));
        assertThat(verified.sha256Hex()).isEqualTo(Digests.sha256Hex(bytes));
        assertThat(manifest.formatVersion()).isEqualTo(BundleManifest.FORMAT_VERSION);
        assertThat(manifest.displayName()).isEqualTo("student v7");
        assertThat(manifest.parentVersion()).isEqualTo(6L);
        assertThat(manifest.createdAt()).isEqualTo(TestBundles.CREATED);
        assertThat(manifest.input().accepts(Modality.DEPTH)).isTrue();
        assertThat(manifest.input().accepts(Modality.NIR)).isFalse();
        assertThat(manifest.input().meanAsFloats()).containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(manifest.input().resize()).isEqualTo("AREA");
        assertThat(manifest.metrics()).containsEntry("gate.nonRgbAgreement", 0.8125);
        assertThat(manifest.files())
                .containsOnlyKeys("labels.json", "model.onnx")
                .containsEntry(
                        "model.onnx", Digests.sha256Hex(TestBundles.files().get("model.onnx")));
        assertThat(verified.bundle().fileNames()).containsExactly("labels.json", "model.onnx");
        assertThat(verified.bundle().entryFile()).isEqualTo(TestBundles.files().get("model.onnx"));
        assertThat(verified.bundle().file("labels.json"))
                .hasValueSatisfying(labels ->
                        assertThat(new String(labels, StandardCharsets.UTF_8)).contains("torus"));
        assertThat(verified.bundle().file("missing.bin")).isEmpty();
    }

    @Test
    void theSameContentGivesTheSameBytesWhateverTheOrderAndTimeZone() {
        Map<String, byte[]> reversed = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(TestBundles.files().keySet());
        names.sort(Comparator.reverseOrder());
        names.forEach(name -> reversed.put(name, TestBundles.files().get(name)));

        byte[] first = TestBundles.bundle();
        TimeZone original = TimeZone.getDefault();
        byte[] second;
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
            second = new BundleWriter().write(TestBundles.manifest().build(), reversed);
        } finally {
            TimeZone.setDefault(original);
        }

        assertThat(second).isEqualTo(first);
        assertThat(Digests.sha256Hex(second)).isEqualTo(Digests.sha256Hex(first));
        assertThat(new BundleWriter().write(TestBundles.manifest().version(8).build(), TestBundles.files()))
                .isNotEqualTo(first);
    }

    @Test
    void theManifestComesFirstAndEveryEntryIsStoredAtTheFixedTime() throws IOException {
        List<String> order = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(TestBundles.bundle()))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                order.add(entry.getName());
                assertThat(entry.getMethod()).isEqualTo(ZipEntry.STORED);
                assertThat(entry.getTimeLocal()).isEqualTo(BundleLayout.ENTRY_TIME);
                assertThat(entry.getExtra())
                        .as("extra fields, e.g. a zone-dependent timestamp")
                        .isNull();
                if (entry.getName().equals("manifest.json")) {
                    String json = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(json)
                            .contains("\"formatVersion\" : 1", "\"createdAt\" : \"2025-03-01T12:00:00.123Z\"")
                            .doesNotContain("\r", "displayName");
                }
            }
        }
        assertThat(order).containsExactly("manifest.json", "labels.json", "model.onnx");
    }

    @Test
    void floatNormalisationSurvivesTheJsonExactly() {
        float[] clipMean = {0.48145466f, 0.4578275f, 0.40821073f};
        BundleInput input = new BundleInput(
                224,
                224,
                3,
                List.of(clipMean[0], clipMean[1], clipMean[2]),
                List.of(0.26862954f, 0.26130258f, 0.27577711f),
                "BILINEAR",
                List.of("RGB"));
        byte[] bytes =
                new BundleWriter().write(TestBundles.manifest().input(input).build(), TestBundles.files());

        BundleInput read = ModelBundle.parse(bytes).manifest().input();

        assertThat(read).isEqualTo(input);
        assertThat(read.meanAsFloats()).containsExactly(clipMean);
    }

    @Test
    void theWriterRefusesWhatAReaderWouldRefuse() {
        BundleManifest manifest = TestBundles.manifest().build();
        assertThatThrownBy(() -> new BundleWriter().write(manifest, Map.of("labels.json", new byte[1])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry file model.onnx");
        assertThatThrownBy(() ->
                        new BundleWriter().write(manifest, Map.of("model.onnx", new byte[1], "../evil", new byte[1])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flat names");
        assertThatThrownBy(() -> new BundleWriter()
                        .write(manifest, Map.of("model.onnx", new byte[1], "manifest.json", new byte[1])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BundleWriter(new BundleLimits(1 << 20, 1000, 4))
                        .write(manifest, Map.of("model.onnx", new byte[1001])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("over the limit");
    }

    @Test
    void aManifestWithImpossibleValuesCannotBeBuilt() {
        assertThatThrownBy(() -> TestBundles.manifest().embeddingDim(0).build()).hasMessageContaining("embeddingDim");
        assertThatThrownBy(
                        () -> TestBundles.manifest().metric("loss", Double.NaN).build())
                .hasMessageContaining("loss");
        assertThatThrownBy(() -> TestBundles.manifest().family(" ").build()).hasMessageContaining("family");
        assertThatThrownBy(() ->
                        new BundleInput(64, 64, 3, List.of(0.5f), List.of(0.2f, 0.2f, 0.2f), null, List.of("RGB")))
                .hasMessageContaining("one value per channel");
    }
}
