package dev.edgevl.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevKeysTest {
    @TempDir
    Path dir;

    @Test
    void theFirstRunMakesAKeyAndLaterRunsReuseIt() throws IOException {
        DevKeys first = DevKeys.loadOrCreate(dir.resolve("keys"));
        DevKeys second = DevKeys.loadOrCreate(dir.resolve("keys"));

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.keyId()).isEqualTo(first.keyId());
        assertThat(second.publicKeyFile()).isEqualTo(dir.resolve("keys").resolve(DevKeys.PUBLIC_KEY_FILE));

        // A bundle signed in one run verifies in the next, through the public key file consumers are given.
        SignedBundle signed = first.signer().sign(TestBundles.bundle());
        BundleVerifier verifier = new BundleVerifier(TrustedKeys.fromPemFiles(List.of(second.publicKeyFile())));
        assertThat(verifier.verify(signed.bytes(), signed.sha256Hex(), signed.signature(), signed.keyId())
                        .keyId())
                .isEqualTo(second.keyId());
        assertThat(second.trustedKeys().keyIds()).containsExactly(first.keyId());
    }

    @Test
    void halfAPairIsRefusedRatherThanSilentlyReplaced() throws IOException {
        DevKeys.loadOrCreate(dir);
        Files.delete(dir.resolve(DevKeys.PUBLIC_KEY_FILE));

        assertThatThrownBy(() -> DevKeys.loadOrCreate(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(DevKeys.PRIVATE_KEY_FILE)
                .hasMessageContaining("delete it");
    }

    @Test
    void halvesOfDifferentPairsAreRefused() throws IOException {
        DevKeys.loadOrCreate(dir);
        Keys.writePublicKey(
                dir.resolve(DevKeys.PUBLIC_KEY_FILE), Keys.generate().getPublic());

        assertThatThrownBy(() -> DevKeys.loadOrCreate(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not halves of one key pair");
    }
}
