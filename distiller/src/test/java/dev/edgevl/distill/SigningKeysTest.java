package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.config.ConfigException;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {
    private final KeyPair pair = Keys.generate();

    @TempDir
    Path dir;

    @Test
    void thePublicHalfComesFromItsFileTheSameFileOrBeside() throws Exception {
        Path key = dir.resolve("signing.pem");
        Keys.writePrivateKey(key, pair.getPrivate());
        Path elsewhere = dir.resolve("trust").resolve("any-name.pem");
        Files.createDirectories(elsewhere.getParent());
        Keys.writePublicKey(elsewhere, pair.getPublic());
        assertThat(SigningKeys.signer(key, elsewhere).keyId()).isEqualTo(Keys.keyId(pair.getPublic()));

        assertThatThrownBy(() -> SigningKeys.signer(key, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no PUBLIC KEY block");
        Keys.writePublicKey(dir.resolve("signing.pub.pem"), pair.getPublic());
        assertThat(SigningKeys.signer(key, null).keyId()).isEqualTo(Keys.keyId(pair.getPublic()));

        Path both = dir.resolve("both.pem");
        Files.writeString(both, Keys.toPem(pair.getPrivate()) + Keys.toPem(pair.getPublic()));
        BundleSigner signer = SigningKeys.signer(both, null);
        assertThat(signer.keyId()).isEqualTo(Keys.keyId(pair.getPublic()));
    }

    @Test
    void halvesOfDifferentPairsAreRefused() throws Exception {
        Path key = dir.resolve("signing.pem");
        Keys.writePrivateKey(key, pair.getPrivate());
        Path other = dir.resolve("other.pub.pem");
        Keys.writePublicKey(other, Keys.generate().getPublic());
        assertThatThrownBy(() -> SigningKeys.signer(key, other))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not halves of one Ed25519 pair");
    }
}
