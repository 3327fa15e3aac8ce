package dev.edgevl.model.bundle;

import dev.edgevl.model.bundle.BundleException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A bundle that has been opened and checked for structure: it is a zip with a manifest, every file the manifest
 * lists is there with the digest it lists, nothing else is there, and the entry file exists. Parsing says nothing
 * about who made the bundle; {@link BundleVerifier} checks the signature first and then parses.
 */
public final class ModelBundle {
    private final BundleManifest manifest;
    private final Map<String, byte[]> files;
    private final String sha256Hex;
    private final long sizeBytes;

    private ModelBundle(BundleManifest manifest, Map<String, byte[]> files, String sha256Hex, long sizeBytes) {
        this.manifest = manifest;
        this.files = files;
        this.sha256Hex = sha256Hex;
        this.sizeBytes = sizeBytes;
    }

    public static ModelBundle parse(byte[] bundle) {
        return parse(bundle, BundleLimits.DEFAULT);
    }

    public static ModelBundle parse(byte[] bundle, BundleLimits limits) {
        return parse(bundle, limits, null);
    }

    /** With the digest when the caller has just computed it, so a large bundle is hashed once. */
    static ModelBundle parse(byte[] bundle, BundleLimits limits, String knownSha256Hex) {
        Objects.requireNonNull(bundle, "bundle");
        if (bundle.length > limits.maxBundleBytes()) {
            throw new BundleException(
                    Reason.TOO_LARGE,
                    "The model bundle is " + bundle.length + " bytes, over the limit of " + limits.maxBundleBytes()
                            + "; it is not one of ours, or the limit needs raising.");
        }
        Map<String, byte[]> entries = BundleZip.read(bundle, limits);
        byte[] manifestJson = entries.remove(BundleLayout.MANIFEST);
        if (manifestJson == null) {
            throw corrupt("it has no " + BundleLayout.MANIFEST + " (is it a model bundle at all?)");
        }
        BundleManifest manifest = ManifestJson.read(manifestJson);
        checkContents(manifest, entries);
        String sha = knownSha256Hex != null ? knownSha256Hex : Digests.sha256Hex(bundle);
        return new ModelBundle(manifest, Collections.unmodifiableMap(new TreeMap<>(entries)), sha, bundle.length);
    }

    private static void checkContents(BundleManifest manifest, Map<String, byte[]> entries) {
        String name = manifest.displayName();
        if (!manifest.files().containsKey(manifest.entry())) {
            throw corrupt("the manifest of " + name + " names entry file " + BundleLayout.quote(manifest.entry())
                    + " but does not list it among its files");
        }
        manifest.modalityEntries().forEach((modality, file) -> {
            if (!manifest.files().containsKey(file)) {
                throw corrupt("the manifest of " + name + " names " + BundleLayout.quote(file) + " as the entry for "
                        + modality + " but does not list it among its files");
            }
        });
        Set<String> unlisted = new HashSet<>(entries.keySet());
        unlisted.removeAll(manifest.files().keySet());
        if (!unlisted.isEmpty()) {
            throw corrupt(
                    "the bundle of " + name + " holds " + unlisted.size() + " file(s) its manifest does not list, e.g. "
                            + BundleLayout.quote(unlisted.iterator().next()));
        }
        for (Map.Entry<String, String> listed : manifest.files().entrySet()) {
            byte[] content = entries.get(listed.getKey());
            if (content == null) {
                throw corrupt("the manifest of " + name + " lists " + BundleLayout.quote(listed.getKey())
                        + " but the bundle does not hold it");
            }
            String actual = Digests.sha256Hex(content);
            if (!actual.equals(listed.getValue())) {
                throw new BundleException(
                        Reason.DIGEST_MISMATCH,
                        "The model bundle " + name + " was altered after it was"
                                + " written: " + BundleLayout.quote(listed.getKey()) + " has SHA-256 " + actual
                                + " but its manifest says " + listed.getValue()
                                + "; republish it from the model store or retrain.");
            }
        }
    }

    private static BundleException corrupt(String what) {
        return new BundleException(
                Reason.CORRUPT,
                "The model bundle is corrupt: " + what + "; republish it from the model store or retrain.");
    }

    public BundleManifest manifest() {
        return manifest;
    }

    /** The files besides the manifest, in name order. */
    public Set<String> fileNames() {
        return files.keySet();
    }

    /** The file a loader opens, as named by the manifest; a copy. */
    public byte[] entryFile() {
        return files.get(manifest.entry()).clone();
    }

    /** The file a loader opens for this modality's images (its own graph, or the entry file); a copy. */
    public byte[] entryFile(dev.edgevl.avro.Modality modality) {
        return files.get(manifest.entryFor(modality)).clone();
    }

    /** A copy of the named file, so a verified bundle cannot be changed under whoever else holds it. */
    public Optional<byte[]> file(String name) {
        return Optional.ofNullable(files.get(name)).map(byte[]::clone);
    }

    /** SHA-256 of the whole bundle, lower-case hex. */
    public String sha256Hex() {
        return sha256Hex;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    /**
     * Writes every file but the manifest into {@code directory} (created if missing), for engines that load a model
     * from a path. Names were checked to be flat when the bundle was read, so nothing lands outside the directory.
     */
    public void writeFilesTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Files.write(directory.resolve(file.getKey()), file.getValue());
        }
    }

    @Override
    public String toString() {
        return "model bundle " + manifest.displayName() + " (sha256 " + sha256Hex.substring(0, 12) + "…, "
                + files.size() + " files, " + sizeBytes + " bytes)";
    }
}
