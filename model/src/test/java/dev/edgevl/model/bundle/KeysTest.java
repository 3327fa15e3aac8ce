package dev.edgevl.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysTest {
    private final KeyPair pair = Keys.generate();

    @Test
    void keysSurviveAPemRoundTrip() {
        String privatePem = Keys.toPem(pair.getPrivate());
        String publicPem = Keys.toPem(pair.getPublic());

        assertThat(privatePem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(publicPem).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(Keys.privateKeyFromPem(privatePem).getEncoded())
                .isEqualTo(pair.getPrivate().getEncoded());
        assertThat(Keys.publicKeyFromPem(publicPem)).isEqualTo(pair.getPublic());
    }

    @Test
    void keyFilesRoundTripAndThePrivateOneIsForItsOwnerOnly(@TempDir Path dir) throws IOException {
        Keys.writePrivateKey(dir.resolve("signing.pem"), pair.getPrivate());
        Keys.writePublicKey(dir.resolve("signing.pub.pem"), pair.getPublic());

        assertThat(Keys.readPrivateKey(dir.resolve("signing.pem")).getEncoded())
                .isEqualTo(pair.getPrivate().getEncoded());
        assertThat(Keys.readPublicKey(dir.resolve("signing.pub.pem"))).isEqualTo(pair.getPublic());
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("signing.pem"))))
                    .isEqualTo("rw-------");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("signing.pem", "signing.pub.pem");
        }
    }

    @Test
    void openSslKeysAreReadAndSignaturesAgreeWithOpenSsl() throws Exception {
        // RFC 8410 §10.3 example key; the signature below is what 'openssl pkeyutl -sign -rawin' gives for the
        // SHA-256 of "edgevl". Ed25519 is deterministic, so the JDK must produce the same bytes.
        PrivateKey privateKey = Keys.privateKeyFromPem(resource("rfc8410-ed25519.pem"));
        PublicKey publicKey = Keys.publicKeyFromPem(resource("rfc8410-ed25519.pub.pem"));
        byte[] digest = Digests.sha256("edgevl".getBytes(StandardCharsets.US_ASCII));

        SignedBundle signed =
                new BundleSigner(privateKey, Keys.keyId(publicKey)).sign("edgevl".getBytes(StandardCharsets.US_ASCII));

        assertThat(signed.sha256Hex()).isEqualTo(Digests.hex(digest));
        assertThat(Digests.hex(signed.signature()))
                .isEqualTo("0f8979a5468643436132ed069bd23854cbfb8b5a3313f4d72bb26c99301116"
                        + "2100cef03a0a424ec43df8185c2d72eb172c05f77273673efe83d894f68580df0b");
        Signature verify = Signature.getInstance("Ed25519");
        verify.initVerify(publicKey);
        verify.update(digest);
        assertThat(verify.verify(signed.signature())).isTrue();
    }

    @Test
    void theKeyIdIsSixteenHexCharactersOfTheKeysDigest() {
        String id = Keys.keyId(pair.getPublic());
        assertThat(id)
                .hasSize(16)
                .matches("[0-9a-f]+")
                .isEqualTo(Digests.sha256Hex(pair.getPublic().getEncoded()).substring(0, 16))
                .isNotEqualTo(Keys.keyId(Keys.generate().getPublic()));
        assertThat(BundleSigner.of(pair).keyId()).isEqualTo(id);
    }

    @Test
    void oneTrustFileMayHoldSeveralKeysForARotation(@TempDir Path dir) throws IOException {
        KeyPair next = Keys.generate();
        Path trust = dir.resolve("trusted.pem");
        Files.writeString(
                trust, "# publisher keys\n" + Keys.toPem(pair.getPublic()) + "\n" + Keys.toPem(next.getPublic()));

        TrustedKeys keys = TrustedKeys.fromPemFiles(List.of(trust));

        assertThat(keys.keyIds()).containsExactlyInAnyOrder(Keys.keyId(pair.getPublic()), Keys.keyId(next.getPublic()));
        assertThat(keys.find(Keys.keyId(next.getPublic()))).contains(next.getPublic());
        assertThat(keys.find("0000000000000000")).isEmpty();
        assertThat(TrustedKeys.fromPem(Keys.toPem(pair.getPublic())).keyIds())
                .containsExactly(Keys.keyId(pair.getPublic()));
    }

    @Test
    void wrongKeyMaterialIsRefusedWithItsFileName(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here");
        assertThatThrownBy(() -> TrustedKeys.fromPemFiles(List.of(empty)))
                .hasMessageContaining("empty.pem")
                .hasMessageContaining("no PEM 'PUBLIC KEY'");
        assertThatThrownBy(() -> Keys.privateKeyFromPem(Keys.toPem(pair.getPublic())))
                .hasMessageContaining("PRIVATE KEY");

        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        assertThatThrownBy(() -> TrustedKeys.of(rsa.getPublic())).hasMessageContaining("Ed25519");
        assertThatThrownBy(() -> new BundleSigner(rsa.getPrivate(), "x")).hasMessageContaining("Ed25519");
        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        assertThatThrownBy(() -> Keys.keyId(ed448.getPublic())).hasMessageContaining("Ed25519");
        String rsaPem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        assertThatThrownBy(() -> Keys.publicKeyFromPem(rsaPem)).hasMessageContaining("not an Ed25519 key");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = KeysTest.class.getResourceAsStream("/bundle/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
