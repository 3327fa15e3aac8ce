package dev.edgevl.model.bundle;

import java.util.Objects;

/** A bundle whose digest and signature checked out against a trusted key and whose structure is sound. */
public record VerifiedBundle(ModelBundle bundle, String keyId) {
    public VerifiedBundle {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(keyId, "keyId");
    }

    public BundleManifest manifest() {
        return bundle.manifest();
    }

    public String sha256Hex() {
        return bundle.sha256Hex();
    }
}
