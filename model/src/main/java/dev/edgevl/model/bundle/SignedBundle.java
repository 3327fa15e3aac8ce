package dev.edgevl.model.bundle;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bundle bytes with their SHA-256 and the Ed25519 signature over that digest, ready to be stored and published.
 * The arrays are copied in and out so a signed bundle cannot change after signing.
 */
public record SignedBundle(byte[] bytes, String sha256Hex, byte[] signature, String keyId) {
    public SignedBundle {
        bytes = Objects.requireNonNull(bytes, "bytes").clone();
        signature = Objects.requireNonNull(signature, "signature").clone();
        Objects.requireNonNull(keyId, "keyId");
        if (!Digests.isSha256Hex(sha256Hex)) {
            throw new IllegalArgumentException("sha256Hex must be 64 lower-case hex characters, not " + sha256Hex);
        }
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    public long sizeBytes() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedBundle other
                && Arrays.equals(bytes, other.bytes)
                && sha256Hex.equals(other.sha256Hex)
                && Arrays.equals(signature, other.signature)
                && keyId.equals(other.keyId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sha256Hex, keyId, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "signed bundle (sha256 " + sha256Hex + ", " + bytes.length + " bytes, key " + keyId + ")";
    }
}
