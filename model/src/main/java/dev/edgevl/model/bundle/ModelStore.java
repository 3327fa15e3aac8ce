package dev.edgevl.model.bundle;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * Where published bundles live, addressed by their SHA-256 (lower-case hex). Content addressing makes a put
 * idempotent and lets a reader check what it got against the name it asked for. {@link DirectoryModelStore} is the
 * local implementation; an object store (S3, GCS, MinIO) implements the same four operations with the digest as the
 * object key, and its {@link #uriOf} is what goes into the {@code models} record.
 *
 * <p>Implementations must never expose a partly written bundle under its digest: a reader either finds the whole
 * bundle or nothing.
 */
public interface ModelStore {
    /** Stores the bundle unless it is already there, and returns its SHA-256. */
    String put(byte[] bundle) throws IOException;

    /** The bundle with this SHA-256; empty if the store does not hold it. */
    Optional<byte[]> get(String sha256Hex) throws IOException;

    boolean contains(String sha256Hex) throws IOException;

    /** Where a consumer can fetch the bundle from, for the record's {@code bundleUri}. */
    URI uriOf(String sha256Hex);
}
