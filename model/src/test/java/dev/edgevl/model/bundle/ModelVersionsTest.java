package dev.edgevl.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.ModelVersion;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ModelVersionsTest {
    private final KeyPair publisher = Keys.generate();
    private final SignedBundle signed = BundleSigner.of(publisher).sign(TestBundles.bundle());
    private final ModelBundle bundle = ModelBundle.parse(signed.bytes());
    private final Instant published = Instant.parse("2025-03-02T08:00:00Z");

    @Test
    void everyFieldOfTheRecordComesFromTheSignedBundle() {
        ModelVersion record = ModelVersions.toRecord(signed, bundle, BundleDelivery.inline(), published);

        assertThat(record.getFamily()).isEqualTo("student");
        assertThat(record.getVersion()).isEqualTo(7);
        assertThat(record.getParentVersion()).isEqualTo(6L);
        assertThat(record.getTeacherId()).isEqualTo("synthetic-clip-v1");
        assertThat(record.getEmbeddingDim()).isEqualTo(128);
        assertThat(record.getInputWidth()).isEqualTo(64);
        assertThat(record.getInputHeight()).isEqualTo(64);
        assertThat(record.getLabelSetHash()).isEqualTo("9f2c41d0");
        assertThat(record.getSha256()).isEqualTo(signed.sha256Hex()).isEqualTo(bundle.sha256Hex());
        assertThat(record.getSignature()).isEqualTo(ByteBuffer.wrap(signed.signature()));
        assertThat(record.getSigningKeyId()).isEqualTo(Keys.keyId(publisher.getPublic()));
        assertThat(record.getBundle()).isEqualTo(ByteBuffer.wrap(signed.bytes()));
        assertThat(record.getBundleUri()).isNull();
        assertThat(record.getBundleSizeBytes()).isEqualTo(signed.bytes().length);
        assertThat(record.getMetrics())
                .containsEntry("gate.nonRgbAgreement", 0.8125)
                .hasSize(2);
        assertThat(record.getCreatedTime()).isEqualTo(TestBundles.CREATED);
        assertThat(record.getPublishedTime()).isEqualTo(published);
    }

    @Test
    void aUriDeliveryCarriesTheUriAndNotTheBytes() {
        ModelVersion record =
                ModelVersions.toRecord(signed, bundle, BundleDelivery.at("https://models.example/x.zip"), published);

        assertThat(record.getBundle()).isNull();
        assertThat(record.getBundleUri()).isEqualTo("https://models.example/x.zip");
        assertThat(record.getBundleSizeBytes()).isEqualTo(signed.bytes().length);
    }

    @Test
    void aSignedBundleAndAManifestOfAnotherBundleDoNotMakeARecord() {
        ModelBundle other = ModelBundle.parse(
                new BundleWriter().write(TestBundles.manifest().version(8).build(), TestBundles.files()));
        assertThatThrownBy(() -> ModelVersions.toRecord(signed, other, BundleDelivery.inline(), published))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the same bundle");
    }
}
