package dev.edgevl.model.bundle;

import java.util.Objects;

/**
 * A model bundle was refused. The message is a sentence for an operator: what was wrong and what to do. A consumer
 * that catches this keeps the model it is running; {@link #reason()} is what metrics and dead-letter headers carry.
 */
public class BundleException extends RuntimeException {
    /** Why a bundle was refused. */
    public enum Reason {
        /** Not a readable bundle: not a zip, no or unreadable manifest, files missing or unlisted, bad names. */
        CORRUPT,
        /** Bytes differ from their recorded SHA-256: the whole bundle against its record, or a file against the manifest. */
        DIGEST_MISMATCH,
        /** No signature or no key id came with the bundle. */
        UNSIGNED,
        /** The signature does not verify with the named key: the bundle or the signature was altered. */
        BAD_SIGNATURE,
        /** The key that signed the bundle is not among the trusted keys. */
        UNKNOWN_KEY,
        /** The manifest names a format this reader does not know (a newer writer). */
        UNSUPPORTED_FORMAT,
        /** The bundle, a file in it or the number of files is over the configured limits. */
        TOO_LARGE,
        /** The {@code models} record says something about the bundle (family, version, size…) that the bundle contradicts. */
        RECORD_MISMATCH,
        /** The bundle could not be obtained: the record carries neither bytes nor a URI, or fetching the URI failed. */
        UNAVAILABLE
    }

    private final Reason reason;

    public BundleException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public BundleException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
