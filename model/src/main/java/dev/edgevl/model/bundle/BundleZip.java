package dev.edgevl.model.bundle;

import dev.edgevl.model.bundle.BundleException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** The zip container: deterministic on the way out, bounded on the way in. */
final class BundleZip {
    private BundleZip() {}

    /** Writes the entries in the order given, STORED, with the fixed timestamp. */
    static byte[] write(Map<String, byte[]> entriesInOrder) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entriesInOrder.entrySet()) {
                byte[] content = e.getValue();
                CRC32 crc = new CRC32();
                crc.update(content);
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(content.length);
                entry.setCompressedSize(content.length);
                entry.setCrc(crc.getValue());
                entry.setTimeLocal(BundleLayout.ENTRY_TIME);
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads every entry, in zip order, refusing duplicates, directories and unsafe names, and stopping as soon as a
     * limit is passed. Entry names are checked by the caller against the manifest.
     */
    static Map<String, byte[]> read(byte[] bundle, BundleLimits limits) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        int files = 0;
        long unpacked = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bundle))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                boolean manifest = name.equals(BundleLayout.MANIFEST);
                if (!manifest && !BundleLayout.isFileName(name)) {
                    throw corrupt(
                            "it holds an entry named " + BundleLayout.quote(name) + ", which is not a plain file name");
                }
                if (entries.containsKey(name)) {
                    throw corrupt("it holds " + BundleLayout.quote(name) + " twice");
                }
                if (!manifest && ++files > limits.maxFiles()) {
                    throw tooLarge("holds more than " + limits.maxFiles() + " files");
                }
                long budget = manifest ? BundleLimits.MAX_MANIFEST_BYTES : limits.maxUnpackedBytes() - unpacked;
                byte[] content = readAtMost(zip, budget);
                if (content == null) {
                    throw tooLarge(
                            manifest
                                    ? "has a manifest.json over " + BundleLimits.MAX_MANIFEST_BYTES + " bytes"
                                    : "unpacks to more than " + limits.maxUnpackedBytes() + " bytes (reached in "
                                            + BundleLayout.quote(name) + ")");
                }
                unpacked += manifest ? 0 : content.length;
                entries.put(name, content);
            }
        } catch (IOException e) {
            throw corrupt("it is not a readable zip (" + e.getMessage() + ")", e);
        }
        return entries;
    }

    /** Counts what inflates, not what the entry header claims: the headers of a hostile zip lie. Null when over. */
    static byte[] readAtMost(InputStream in, long budget) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > budget) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static BundleException tooLarge(String what) {
        return new BundleException(
                Reason.TOO_LARGE,
                "The model bundle " + what
                        + ", over the configured limit; it is not one of ours, or the limit needs raising.");
    }

    private static BundleException corrupt(String what) {
        return corrupt(what, null);
    }

    private static BundleException corrupt(String what, Throwable cause) {
        return new BundleException(
                Reason.CORRUPT,
                "The model bundle is corrupt: " + what + "; republish it from the model store or retrain.",
                cause);
    }
}
