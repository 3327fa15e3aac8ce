package dev.edgevl.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.model.bundle.BundleException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {
    private final Map<String, byte[]> files = TestBundles.files();
    private final String manifest = TestBundles.manifestJson(files);

    @Test
    void bytesThatAreNotAZipAreCorrupt() {
        refused(new byte[0], Reason.CORRUPT).hasMessageContaining("no manifest.json");
        refused("not a zip at all".getBytes(), Reason.CORRUPT);
        byte[] bundle = TestBundles.bundle();
        refused(Arrays.copyOf(bundle, bundle.length / 2), Reason.CORRUPT).hasMessageContaining("republish");
    }

    @Test
    void aFlippedByteInsideAStoredFileIsCaughtBeforeAnythingIsLoaded() {
        byte[] bundle = TestBundles.bundle();
        bundle[bundle.length - 2_000] ^= 0x01; // inside model.onnx, the last entry; its CRC catches it
        refused(bundle, Reason.CORRUPT);
    }

    @Test
    void aFileThatDiffersFromItsManifestDigestIsADigestMismatch() {
        Map<String, byte[]> swapped = new LinkedHashMap<>(files);
        swapped.put("model.onnx", TestBundles.modelBytes(20_000, 2)); // valid zip, valid CRC, wrong content
        refused(TestBundles.rawZip(TestBundles.entries(manifest, swapped)), Reason.DIGEST_MISMATCH)
                .hasMessageContaining("'model.onnx'")
                .hasMessageContaining("altered");
    }

    @Test
    void filesMustBeExactlyThoseTheManifestLists() {
        Map<String, byte[]> extra = new LinkedHashMap<>(files);
        extra.put("payload.sh", new byte[] {1});
        refused(TestBundles.rawZip(TestBundles.entries(manifest, extra)), Reason.CORRUPT)
                .hasMessageContaining("does not list")
                .hasMessageContaining("'payload.sh'");

        Map<String, byte[]> missing = new LinkedHashMap<>(files);
        missing.remove("labels.json");
        refused(TestBundles.rawZip(TestBundles.entries(manifest, missing)), Reason.CORRUPT)
                .hasMessageContaining("'labels.json'");

        String otherEntry = manifest.replace("\"entry\" : \"model.onnx\"", "\"entry\" : \"model.pt\"");
        refused(TestBundles.rawZip(TestBundles.entries(otherEntry, files)), Reason.CORRUPT)
                .hasMessageContaining("'model.pt'");
    }

    @Test
    void aModalityEntryMustBeAListedFileAndAModality() {
        String withOwn = manifest.replace(
                "\"entry\" : \"model.onnx\"",
                "\"entry\" : \"model.onnx\", \"modalityEntries\" : {\"THERMAL\" : \"labels.json\"}");
        assertThat(ModelBundle.parse(TestBundles.rawZip(TestBundles.entries(withOwn, files)))
                        .manifest()
                        .entryFor(dev.edgevl.avro.Modality.THERMAL))
                .isEqualTo("labels.json");

        String unlisted = manifest.replace(
                "\"entry\" : \"model.onnx\"",
                "\"entry\" : \"model.onnx\", \"modalityEntries\" : {\"THERMAL\" : \"model-thermal.onnx\"}");
        refused(TestBundles.rawZip(TestBundles.entries(unlisted, files)), Reason.CORRUPT)
                .hasMessageContaining("'model-thermal.onnx'")
                .hasMessageContaining("THERMAL");

        String notAModality = manifest.replace(
                "\"entry\" : \"model.onnx\"",
                "\"entry\" : \"model.onnx\", \"modalityEntries\" : {\"SONAR\" : \"model.onnx\"}");
        refused(TestBundles.rawZip(TestBundles.entries(notAModality, files)), Reason.CORRUPT)
                .hasMessageContaining("SONAR");
    }

    @Test
    void unsafeOrDuplicateEntryNamesAreCorrupt() {
        Map<String, byte[]> traversal = new LinkedHashMap<>(files);
        traversal.put("../../etc/cron.d/x", new byte[] {1});
        refused(TestBundles.rawZip(TestBundles.entries(manifest, traversal)), Reason.CORRUPT)
                .hasMessageContaining("not a plain file name");

        // ZipOutputStream refuses duplicates, so write a second name of the same length and rename it in the bytes.
        Map<String, byte[]> twin = new LinkedHashMap<>(files);
        twin.put("model.onnY", TestBundles.modelBytes(100, 3));
        byte[] renamed = new String(
                        TestBundles.rawZip(TestBundles.entries(manifest, twin)), StandardCharsets.ISO_8859_1)
                .replace("model.onnY", "model.onnx")
                .getBytes(StandardCharsets.ISO_8859_1);
        refused(renamed, Reason.CORRUPT).hasMessageContaining("twice");
    }

    @Test
    void aBundleOverTheLimitsIsTooLarge() {
        byte[] bundle = TestBundles.bundle();
        refused(bundle, new BundleLimits(bundle.length - 1, 1 << 20, 8), Reason.TOO_LARGE);
        refused(bundle, new BundleLimits(1 << 20, 10_000, 8), Reason.TOO_LARGE).hasMessageContaining("'model.onnx'");
        refused(bundle, new BundleLimits(1 << 20, 1 << 20, 1), Reason.TOO_LARGE)
                .hasMessageContaining("more than 1 files");
        assertThat(ModelBundle.parse(bundle, new BundleLimits(bundle.length, 20_100, 2))
                        .fileNames())
                .hasSize(2);
    }

    @Test
    void aDeflateBombStopsAtTheLimitNotAtItsDeclaredSize() {
        Map<String, byte[]> bomb = new LinkedHashMap<>(files);
        bomb.put("model.onnx", new byte[64 << 20]); // 64 MiB of zeros deflate to about 64 KiB
        byte[] zip = TestBundles.rawZip(TestBundles.entries(manifest, bomb));
        assertThat(zip.length).isLessThan(1 << 20);
        refused(zip, new BundleLimits(1 << 20, 4 << 20, 8), Reason.TOO_LARGE);

        byte[] hugeManifest = TestBundles.rawZip(TestBundles.entries(
                manifest.replace("\"family\"", "\"padding\" : \"" + "x".repeat(2 << 20) + "\",\n  \"family\""), files));
        refused(hugeManifest, Reason.TOO_LARGE).hasMessageContaining("manifest.json");
    }

    @Test
    void aManifestFromANewerFormatIsUnsupportedNotCorrupt() {
        String newer = manifest.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2");
        refused(TestBundles.rawZip(TestBundles.entries(newer, files)), Reason.UNSUPPORTED_FORMAT)
                .hasMessageContaining("upgrade");
    }

    @Test
    void unknownManifestFieldsAreIgnoredSoFieldsCanBeAdded() {
        String evolved = manifest.replace("\"family\"", "\"calibrationSet\" : {\"frames\" : 512},\n  \"family\"");
        ModelBundle bundle = ModelBundle.parse(TestBundles.rawZip(TestBundles.entries(evolved, files)));
        assertThat(bundle.manifest().family()).isEqualTo("student");
    }

    @Test
    void aManifestMissingARequiredFieldOrWithBadValuesIsCorrupt() {
        refused(
                        TestBundles.rawZip(TestBundles.entries(manifest.replace("\"version\" : 7,", ""), files)),
                        Reason.CORRUPT)
                .hasMessageContaining("version");
        refused(
                        TestBundles.rawZip(TestBundles.entries(
                                manifest.replace("\"embeddingDim\" : 128", "\"embeddingDim\" : -1"), files)),
                        Reason.CORRUPT)
                .hasMessageContaining("embeddingDim");
        refused(
                TestBundles.rawZip(TestBundles.entries(
                        manifest.replace(
                                "\"family\" : \"student\",", "\"family\" : \"student\", \"family\" : \"teacher\","),
                        files)),
                Reason.CORRUPT);
        refused(TestBundles.rawZip(TestBundles.entries("[1, 2]", files)), Reason.CORRUPT);
        refused(TestBundles.rawZip(TestBundles.entries("{\"formatVersion\": ", files)), Reason.CORRUPT);
    }

    @Test
    void filesCanBeWrittenOutForEnginesThatLoadFromAPathAndCopiesProtectTheBundle(@TempDir Path dir)
            throws IOException {
        ModelBundle bundle = ModelBundle.parse(TestBundles.bundle());
        bundle.writeFilesTo(dir.resolve("v7"));
        assertThat(Files.readAllBytes(dir.resolve("v7/model.onnx"))).isEqualTo(files.get("model.onnx"));
        assertThat(dir.resolve("v7/manifest.json")).doesNotExist();

        bundle.entryFile()[0] ^= 0x7f;
        assertThat(bundle.entryFile()).isEqualTo(files.get("model.onnx"));
        assertThat(bundle.toString()).contains("student v7", bundle.sha256Hex().substring(0, 12));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(byte[] bundle, Reason reason) {
        return refused(bundle, BundleLimits.DEFAULT, reason);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(
            byte[] bundle, BundleLimits limits, Reason reason) {
        return assertThatThrownBy(() -> ModelBundle.parse(bundle, limits))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
