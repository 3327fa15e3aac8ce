package dev.edgevl.model.bundle;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;

/**
 * Signs bundles with the publisher's Ed25519 key. What is signed is the 32-byte SHA-256 of the bundle, as the
 * {@code models} record documents, so a verifier that already checked the digest checks a signature over 32 bytes, not the
 * whole model. Thread-safe: each call uses its own {@link Signature}.
 */
public final class BundleSigner {
    private final PrivateKey privateKey;
    private final String keyId;

    /** @param keyId the id of the matching public key, see {@link Keys#keyId} */
    public BundleSigner(PrivateKey privateKey, String keyId) {
        Keys.requireEd25519(privateKey);
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("a signer needs the key id verifiers look the public key up by");
        }
        this.privateKey = privateKey;
        this.keyId = keyId;
    }

    public static BundleSigner of(KeyPair keyPair) {
        return new BundleSigner(keyPair.getPrivate(), Keys.keyId(keyPair.getPublic()));
    }

    public String keyId() {
        return keyId;
    }

    public SignedBundle sign(byte[] bundle) {
        byte[] digest = Digests.sha256(bundle);
        try {
            Signature signature = Signature.getInstance(Keys.ALGORITHM);
            signature.initSign(privateKey);
            signature.update(digest);
            return new SignedBundle(bundle, Digests.hex(digest), signature.sign(), keyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign with key " + keyId + ": " + e.getMessage(), e);
        }
    }
}
