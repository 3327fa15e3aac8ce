package dev.edgevl.model.bundle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Makes bundle bytes from a manifest and the files it describes. The writer owns the manifest's
 * {@code formatVersion} and {@code files} digests, so a caller cannot get them wrong. The same manifest and files
 * always give the same bytes.
 */
public final class BundleWriter {
    private final BundleLimits limits;

    public BundleWriter() {
        this(BundleLimits.DEFAULT);
    }

    /** Refuses to write what a reader with these limits would refuse to read. */
    public BundleWriter(BundleLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * @param files file name to content; names are flat ({@code [A-Za-z0-9][A-Za-z0-9._-]*}) and must include the
     *              manifest's entry
     */
    public byte[] write(BundleManifest manifest, Map<String, byte[]> files) {
        Objects.requireNonNull(manifest, "manifest");
        Map<String, byte[]> sorted = new TreeMap<>(files);
        if (!sorted.containsKey(manifest.entry())) {
            throw new IllegalArgumentException("the bundle of " + manifest.displayName()
                    + " must contain its entry file " + manifest.entry() + ", but holds only " + sorted.keySet());
        }
        manifest.modalityEntries().forEach((modality, file) -> {
            if (!sorted.containsKey(file)) {
                throw new IllegalArgumentException("the bundle of " + manifest.displayName() + " must contain " + file
                        + ", its entry for " + modality + ", but holds only " + sorted.keySet());
            }
        });
        if (sorted.size() > limits.maxFiles()) {
            throw new IllegalArgumentException("the bundle of " + manifest.displayName() + " would hold "
                    + sorted.size() + " files, over the limit of " + limits.maxFiles());
        }
        Map<String, String> digests = new TreeMap<>();
        long unpacked = 0;
        for (Map.Entry<String, byte[]> file : sorted.entrySet()) {
            if (!BundleLayout.isFileName(file.getKey())) {
                throw new IllegalArgumentException(
                        "bundle file names must be flat names of letters, digits, '.', '_' and '-' " + "(and not "
                                + BundleLayout.MANIFEST + "), not " + BundleLayout.quote(file.getKey()));
            }
            unpacked += Objects.requireNonNull(file.getValue(), file.getKey()).length;
            digests.put(file.getKey(), Digests.sha256Hex(file.getValue()));
        }
        if (unpacked > limits.maxUnpackedBytes()) {
            throw new IllegalArgumentException("the files of " + manifest.displayName() + " add up to " + unpacked
                    + " bytes, over the limit of " + limits.maxUnpackedBytes());
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        // Manifest first, so a streaming reader learns what to expect before the big files arrive.
        entries.put(
                BundleLayout.MANIFEST, ManifestJson.write(manifest.withFiles(BundleManifest.FORMAT_VERSION, digests)));
        entries.putAll(sorted);
        byte[] bundle = BundleZip.write(entries);
        if (bundle.length > limits.maxBundleBytes()) {
            throw new IllegalArgumentException("the bundle of " + manifest.displayName() + " is " + bundle.length
                    + " bytes, over the limit of " + limits.maxBundleBytes());
        }
        return bundle;
    }
}
