package dev.edgevl.model.bundle;

import dev.edgevl.avro.ModelVersion;
import dev.edgevl.model.bundle.BundleException.Reason;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Decides whether a bundle may be loaded. Cheap checks come first and the zip is opened last, so bytes from an
 * unknown source are never unpacked: size, signature present, digest, trusted key, signature, then structure.
 * Every refusal is a {@link BundleException}; the caller keeps its running model. Thread-safe.
 */
public final class BundleVerifier {
    private final TrustedKeys trustedKeys;
    private final BundleLimits limits;

    public BundleVerifier(TrustedKeys trustedKeys) {
        this(trustedKeys, BundleLimits.DEFAULT);
    }

    public BundleVerifier(TrustedKeys trustedKeys, BundleLimits limits) {
        this.trustedKeys = Objects.requireNonNull(trustedKeys, "trustedKeys");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * @param expectedSha256Hex the digest the bundle was published under; null when the caller has none, and then the
     *                          signature alone guards the bytes
     */
    public VerifiedBundle verify(byte[] bundle, String expectedSha256Hex, byte[] signature, String keyId) {
        Objects.requireNonNull(bundle, "bundle");
        if (bundle.length > limits.maxBundleBytes()) {
            throw new BundleException(
                    Reason.TOO_LARGE,
                    "The model bundle is " + bundle.length + " bytes, over the limit of " + limits.maxBundleBytes()
                            + "; it is not one of ours, or the limit needs raising.");
        }
        if (signature == null || signature.length == 0 || keyId == null || keyId.isBlank()) {
            throw new BundleException(
                    Reason.UNSIGNED,
                    "The model bundle is not signed (no signature or no key id came with"
                            + " it); only signed bundles are loaded, so publish it through the signing publisher.");
        }
        byte[] digest = Digests.sha256(bundle);
        String sha = Digests.hex(digest);
        if (expectedSha256Hex != null && !expectedSha256Hex.equalsIgnoreCase(sha)) {
            throw new BundleException(
                    Reason.DIGEST_MISMATCH,
                    "The model bundle's SHA-256 is " + sha + " but it was published" + " as " + expectedSha256Hex
                            + "; it was damaged or altered on the way; republish it from the model store.");
        }
        PublicKey key = trustedKeys
                .find(keyId)
                .orElseThrow(() -> new BundleException(
                        Reason.UNKNOWN_KEY,
                        "The model bundle " + sha.substring(0, 12) + "… is signed by key " + BundleLayout.quote(keyId)
                                + ", which is not trusted here ("
                                + (trustedKeys.isEmpty()
                                        ? "no keys are trusted at all"
                                        : "trusted: " + trustedKeys.keyIds())
                                + "); add that key's public PEM to the trusted keys if"
                                + " the publisher is yours."));
        if (!signatureValid(key, digest, signature)) {
            throw new BundleException(
                    Reason.BAD_SIGNATURE,
                    "The model bundle " + sha.substring(0, 12) + "… does not match its"
                            + " signature by key " + keyId
                            + "; the bundle or its signature was altered — do not load it, and"
                            + " republish it from the model store.");
        }
        return new VerifiedBundle(ModelBundle.parse(bundle, limits, sha), keyId);
    }

    /**
     * Verifies the bundle a {@code models} record announces, inline or fetched from its URI, and that the record
     * tells the truth about it: a record whose family, version or other fields disagree with the signed manifest is
     * refused, since consumers act on the record.
     *
     * @param fetchByUri gets the bytes behind {@code bundleUri}, e.g. a {@link UriFetcher}
     */
    public VerifiedBundle verify(ModelVersion record, Function<String, byte[]> fetchByUri) {
        Objects.requireNonNull(record, "record");
        String announced = record.getFamily() + " v" + record.getVersion();
        if (record.getBundleSizeBytes() > limits.maxBundleBytes()) {
            throw new BundleException(
                    Reason.TOO_LARGE,
                    "The model bundle " + announced + " is announced at "
                            + record.getBundleSizeBytes() + " bytes, over the limit of " + limits.maxBundleBytes()
                            + "; raise the limit if that size is expected.");
        }
        byte[] bundle = bundleOf(record, announced, fetchByUri);
        // The bytes are checked first: a truncated download is a digest problem, not a lying record.
        VerifiedBundle verified =
                verify(bundle, record.getSha256(), bytesOf(record.getSignature()), record.getSigningKeyId());
        List<String> lies = disagreements(record, verified.manifest());
        compare(lies, "bundleSizeBytes", record.getBundleSizeBytes(), (long) bundle.length);
        if (!lies.isEmpty()) {
            throw new BundleException(
                    Reason.RECORD_MISMATCH,
                    "The models record for " + announced + " does not match its"
                            + " signed bundle (" + String.join(", ", lies)
                            + "); the record was altered or the publisher is broken"
                            + " — republish the version.");
        }
        return verified;
    }

    /** As {@link #verify(ModelVersion, Function)}, fetching {@code file:} and {@code http(s):} URIs within the limits. */
    public VerifiedBundle verify(ModelVersion record) {
        return verify(record, UriFetcher.withLimits(limits));
    }

    /** Inline bytes win when a record carries both: they are what was signed into the record's digest as well. */
    private static byte[] bundleOf(ModelVersion record, String announced, Function<String, byte[]> fetchByUri) {
        if (record.getBundle() != null) {
            return bytesOf(record.getBundle());
        }
        String uri = record.getBundleUri();
        if (uri == null || uri.isBlank()) {
            throw new BundleException(
                    Reason.UNAVAILABLE,
                    "The models record for " + announced + " carries neither the"
                            + " bundle nor a bundle URI; the publisher wrote an incomplete record.");
        }
        byte[] fetched;
        try {
            fetched = fetchByUri.apply(uri);
        } catch (BundleException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BundleException(
                    Reason.UNAVAILABLE,
                    "Could not fetch the model bundle " + announced + " from " + uri + " (" + e.getMessage()
                            + "); check that the model store is reachable from here.",
                    e);
        }
        if (fetched == null) {
            throw new BundleException(
                    Reason.UNAVAILABLE,
                    "Nothing was found at " + uri + " for the model bundle " + announced
                            + "; check that the model store still holds it.");
        }
        return fetched;
    }

    private static List<String> disagreements(ModelVersion record, BundleManifest manifest) {
        List<String> out = new ArrayList<>();
        compare(out, "family", record.getFamily(), manifest.family());
        compare(out, "version", record.getVersion(), manifest.version());
        compare(out, "parentVersion", record.getParentVersion(), manifest.parentVersion());
        compare(out, "teacherId", record.getTeacherId(), manifest.teacherId());
        compare(out, "embeddingDim", record.getEmbeddingDim(), manifest.embeddingDim());
        compare(out, "inputWidth", record.getInputWidth(), manifest.input().width());
        compare(out, "inputHeight", record.getInputHeight(), manifest.input().height());
        compare(out, "labelSetHash", record.getLabelSetHash(), manifest.labelSetHash());
        return out;
    }

    private static void compare(List<String> out, String field, Object inRecord, Object inManifest) {
        if (!Objects.equals(inRecord, inManifest)) {
            out.add(field + " " + inRecord + " in the record but " + inManifest + " in the bundle");
        }
    }

    private static boolean signatureValid(PublicKey key, byte[] digest, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(Keys.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(digest);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A signature of the wrong length or encoding is simply not a valid signature.
            return false;
        }
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }
}
