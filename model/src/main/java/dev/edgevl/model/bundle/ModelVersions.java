package dev.edgevl.model.bundle;

import dev.edgevl.avro.ModelVersion;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Objects;

/** Makes the {@code models} record for a signed bundle, every field taken from the bundle so that none can disagree. */
public final class ModelVersions {
    private ModelVersions() {}

    /**
     * @param bundle      the parsed form of {@code signed}, whose manifest fills the descriptive fields
     * @param publishedAt when the record makes the version live; later than the bundle's creation for a rollback
     */
    public static ModelVersion toRecord(
            SignedBundle signed, ModelBundle bundle, BundleDelivery delivery, Instant publishedAt) {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(publishedAt, "publishedAt");
        if (!signed.sha256Hex().equals(bundle.sha256Hex())) {
            throw new IllegalArgumentException("the signed bundle (sha256 " + signed.sha256Hex()
                    + ") and the parsed bundle (" + bundle.sha256Hex() + ") are not the same bundle");
        }
        BundleManifest manifest = bundle.manifest();
        return ModelVersion.newBuilder()
                .setFamily(manifest.family())
                .setVersion(manifest.version())
                .setParentVersion(manifest.parentVersion())
                .setTeacherId(manifest.teacherId())
                .setEmbeddingDim(manifest.embeddingDim())
                .setInputWidth(manifest.input().width())
                .setInputHeight(manifest.input().height())
                .setLabelSetHash(manifest.labelSetHash())
                .setSha256(signed.sha256Hex())
                .setSignature(ByteBuffer.wrap(signed.signature()))
                .setSigningKeyId(signed.keyId())
                .setBundle(delivery instanceof BundleDelivery.Inline ? ByteBuffer.wrap(signed.bytes()) : null)
                .setBundleUri(delivery instanceof BundleDelivery.AtUri at ? at.uri() : null)
                .setBundleSizeBytes(signed.sizeBytes())
                .setMetrics(new HashMap<>(manifest.metrics()))
                .setCreatedTime(manifest.createdAt())
                .setPublishedTime(publishedAt)
                .build();
    }
}
