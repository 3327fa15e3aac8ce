package dev.edgevl.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.ModelVersion;
import dev.edgevl.model.bundle.BundleException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.function.Function;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleVerifierTest {
    private static final Function<String, byte[]> NO_FETCH = uri -> {
        throw new AssertionError("nothing should be fetched for " + uri);
    };

    private final KeyPair publisher = Keys.generate();
    private final BundleVerifier verifier = new BundleVerifier(TrustedKeys.of(publisher.getPublic()));
    private final SignedBundle signed = BundleSigner.of(publisher).sign(TestBundles.bundle());

    @Test
    void aTamperedByteIsADigestMismatchAgainstThePublishedDigest() {
        byte[] tampered = signed.bytes();
        tampered[tampered.length / 2] ^= 0x01;
        refused(
                        () -> verifier.verify(tampered, signed.sha256Hex(), signed.signature(), signed.keyId()),
                        Reason.DIGEST_MISMATCH)
                .hasMessageContaining(signed.sha256Hex());
    }

    @Test
    void aTamperedByteWithAForgedDigestIsABadSignature() {
        byte[] tampered = signed.bytes();
        tampered[tampered.length / 2] ^= 0x01;
        refused(
                () -> verifier.verify(tampered, Digests.sha256Hex(tampered), signed.signature(), signed.keyId()),
                Reason.BAD_SIGNATURE);
        refused(() -> verifier.verify(tampered, null, signed.signature(), signed.keyId()), Reason.BAD_SIGNATURE);
        byte[] badSignature = signed.signature();
        badSignature[0] ^= 0x01;
        refused(
                () -> verifier.verify(signed.bytes(), signed.sha256Hex(), badSignature, signed.keyId()),
                Reason.BAD_SIGNATURE);
        refused(
                () -> verifier.verify(signed.bytes(), signed.sha256Hex(), new byte[] {1, 2, 3}, signed.keyId()),
                Reason.BAD_SIGNATURE);
    }

    @Test
    void aSignatureByAKeyNobodyTrustsIsAnUnknownKey() {
        SignedBundle byStranger = BundleSigner.of(Keys.generate()).sign(signed.bytes());
        refused(
                        () -> verifier.verify(
                                byStranger.bytes(), byStranger.sha256Hex(), byStranger.signature(), byStranger.keyId()),
                        Reason.UNKNOWN_KEY)
                .hasMessageContaining(byStranger.keyId())
                .hasMessageContaining(signed.keyId());

        // Claiming the trusted key's id does not help a stranger: the signature is then checked with the trusted key.
        refused(
                () -> verifier.verify(
                        byStranger.bytes(), byStranger.sha256Hex(), byStranger.signature(), signed.keyId()),
                Reason.BAD_SIGNATURE);
        refused(
                        () -> new BundleVerifier(TrustedKeys.of())
                                .verify(signed.bytes(), null, signed.signature(), signed.keyId()),
                        Reason.UNKNOWN_KEY)
                .hasMessageContaining("no keys are trusted");
    }

    @Test
    void noSignatureOrNoKeyIdIsUnsigned() {
        refused(() -> verifier.verify(signed.bytes(), signed.sha256Hex(), null, signed.keyId()), Reason.UNSIGNED);
        refused(
                () -> verifier.verify(signed.bytes(), signed.sha256Hex(), new byte[0], signed.keyId()),
                Reason.UNSIGNED);
        refused(() -> verifier.verify(signed.bytes(), signed.sha256Hex(), signed.signature(), " "), Reason.UNSIGNED);
    }

    @Test
    void aSignedButBrokenBundleIsStillRefusedForItsStructure() {
        SignedBundle signedGarbage = BundleSigner.of(publisher).sign("garbage".getBytes());
        refused(
                () -> verifier.verify(
                        signedGarbage.bytes(),
                        signedGarbage.sha256Hex(),
                        signedGarbage.signature(),
                        signedGarbage.keyId()),
                Reason.CORRUPT);
    }

    @Test
    void aBundleOverTheLimitIsRefusedBeforeItIsHashed() {
        BundleVerifier strict =
                new BundleVerifier(TrustedKeys.of(publisher.getPublic()), new BundleLimits(1000, 1000, 4));
        refused(
                () -> strict.verify(signed.bytes(), signed.sha256Hex(), signed.signature(), signed.keyId()),
                Reason.TOO_LARGE);
    }

    @Test
    void anInlineRecordVerifiesEvenAfterTheAvroRoundTrip() throws Exception {
        ModelVersion record = ModelVersions.toRecord(
                signed, ModelBundle.parse(signed.bytes()), BundleDelivery.inline(), Instant.now());
        ModelVersion decoded = ModelVersion.fromByteBuffer(record.toByteBuffer());

        VerifiedBundle verified = verifier.verify(decoded, NO_FETCH);

        assertThat(verified.manifest().version()).isEqualTo(7);
        assertThat(verified.bundle().entryFile()).isEqualTo(TestBundles.files().get("model.onnx"));
    }

    @Test
    void aRecordPointingAtTheStoreIsFetchedAndVerified(@TempDir Path dir) throws Exception {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        String sha = store.put(signed.bytes());
        ModelVersion record = ModelVersions.toRecord(
                signed, ModelBundle.parse(signed.bytes()), BundleDelivery.at(store.uriOf(sha)), Instant.now());

        assertThat(verifier.verify(record).sha256Hex()).isEqualTo(sha);
    }

    @Test
    void aRecordThatLiesAboutItsBundleIsRefused() {
        ModelVersion honest = ModelVersions.toRecord(
                signed, ModelBundle.parse(signed.bytes()), BundleDelivery.inline(), Instant.now());

        refused(
                        () -> verifier.verify(
                                ModelVersion.newBuilder(honest).setVersion(8).build(), NO_FETCH),
                        Reason.RECORD_MISMATCH)
                .hasMessageContaining("version 8 in the record but 7 in the bundle");
        refused(
                        () -> verifier.verify(
                                ModelVersion.newBuilder(honest)
                                        .setFamily("teacher")
                                        .build(),
                                NO_FETCH),
                        Reason.RECORD_MISMATCH)
                .hasMessageContaining("family");
        refused(
                        () -> verifier.verify(
                                ModelVersion.newBuilder(honest)
                                        .setEmbeddingDim(512)
                                        .build(),
                                NO_FETCH),
                        Reason.RECORD_MISMATCH)
                .hasMessageContaining("embeddingDim");
        refused(
                        () -> verifier.verify(
                                ModelVersion.newBuilder(honest)
                                        .setBundleSizeBytes(12)
                                        .build(),
                                NO_FETCH),
                        Reason.RECORD_MISMATCH)
                .hasMessageContaining("bundleSizeBytes");
        refused(
                () -> verifier.verify(
                        ModelVersion.newBuilder(honest)
                                .setSha256("0".repeat(64))
                                .build(),
                        NO_FETCH),
                Reason.DIGEST_MISMATCH);
        refused(
                () -> verifier.verify(
                        ModelVersion.newBuilder(honest)
                                .setSignature(ByteBuffer.allocate(0))
                                .build(),
                        NO_FETCH),
                Reason.UNSIGNED);
    }

    @Test
    void aRecordWhoseBundleCannotBeHadIsUnavailable() {
        ModelVersion honest = ModelVersions.toRecord(
                signed, ModelBundle.parse(signed.bytes()), BundleDelivery.inline(), Instant.now());
        ModelVersion nowhere = ModelVersion.newBuilder(honest)
                .setBundle(null)
                .setBundleUri(null)
                .build();
        ModelVersion elsewhere = ModelVersion.newBuilder(honest)
                .setBundle(null)
                .setBundleUri("s3://models/x.zip")
                .build();

        refused(() -> verifier.verify(nowhere, NO_FETCH), Reason.UNAVAILABLE).hasMessageContaining("neither");
        refused(
                        () -> verifier.verify(elsewhere, uri -> {
                            throw new UncheckedIOException(new IOException("connection refused"));
                        }),
                        Reason.UNAVAILABLE)
                .hasMessageContaining("connection refused")
                .hasMessageContaining("s3://models/x.zip");
        refused(() -> verifier.verify(elsewhere, uri -> null), Reason.UNAVAILABLE);
        refused(() -> verifier.verify(elsewhere, UriFetcher.withLimits(BundleLimits.DEFAULT)), Reason.UNAVAILABLE)
                .hasMessageContaining("scheme 's3'");
        refused(
                () -> verifier.verify(
                        ModelVersion.newBuilder(elsewhere)
                                .setBundleSizeBytes(1L << 40)
                                .build(),
                        NO_FETCH),
                Reason.TOO_LARGE);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(ThrowingCallable call, Reason reason) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(BundleException.class, e -> assertThat(e.reason())
                .isEqualTo(reason));
    }
}
