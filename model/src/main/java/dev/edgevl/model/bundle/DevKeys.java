package dev.edgevl.model.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing key of a development setup ({@code edgevl local}): made on first use in a directory and reused after,
 * so bundles published in one run still verify in the next. The private key sits unencrypted on disk, which is why
 * the log line says it is not for production.
 */
public final class DevKeys {
    private static final Logger LOG = LoggerFactory.getLogger(DevKeys.class);
    public static final String PRIVATE_KEY_FILE = "dev-signing-key.pem";
    public static final String PUBLIC_KEY_FILE = "dev-signing-key.pub.pem";

    private final KeyPair keyPair;
    private final String keyId;
    private final Path publicKeyFile;
    private final boolean created;

    private DevKeys(KeyPair keyPair, Path publicKeyFile, boolean created) {
        this.keyPair = keyPair;
        this.keyId = Keys.keyId(keyPair.getPublic());
        this.publicKeyFile = publicKeyFile;
        this.created = created;
    }

    /** Reuses the pair in {@code directory} if both files are there, creates it if neither is, and refuses half a pair. */
    public static DevKeys loadOrCreate(Path directory) throws IOException {
        Path privateFile = directory.resolve(PRIVATE_KEY_FILE);
        Path publicFile = directory.resolve(PUBLIC_KEY_FILE);
        boolean hasPrivate = Files.exists(privateFile);
        boolean hasPublic = Files.exists(publicFile);
        DevKeys keys;
        if (hasPrivate && hasPublic) {
            keys = new DevKeys(load(privateFile, publicFile), publicFile, false);
            LOG.info("Reusing the dev signing key {} from {} (not for production).", keys.keyId, directory);
        } else if (!hasPrivate && !hasPublic) {
            Files.createDirectories(directory);
            KeyPair pair = Keys.generate();
            // Private key first: a public key without its private half would make a pair nobody can sign for.
            Keys.writePrivateKey(privateFile, pair.getPrivate());
            Keys.writePublicKey(publicFile, pair.getPublic());
            keys = new DevKeys(pair, publicFile, true);
            LOG.info(
                    "Created the dev signing key {} in {}; consumers trust it through {} (not for production).",
                    keys.keyId,
                    directory,
                    publicFile.getFileName());
        } else {
            throw new IllegalStateException("Found only " + (hasPrivate ? PRIVATE_KEY_FILE : PUBLIC_KEY_FILE) + " in "
                    + directory + ", not both halves of the dev signing key; delete it to have a new pair made.");
        }
        return keys;
    }

    private static KeyPair load(Path privateFile, Path publicFile) throws IOException {
        try {
            return Keys.pairOf(Keys.readPrivateKey(privateFile), Keys.readPublicKey(publicFile));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    privateFile + " and " + publicFile + " are not halves of one key pair;"
                            + " delete both to have a new pair made.",
                    e);
        }
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public String keyId() {
        return keyId;
    }

    /** The file to give consumers as a trusted key. */
    public Path publicKeyFile() {
        return publicKeyFile;
    }

    /** Whether this call made the pair rather than finding it. */
    public boolean created() {
        return created;
    }

    public BundleSigner signer() {
        return BundleSigner.of(keyPair);
    }

    public TrustedKeys trustedKeys() {
        return TrustedKeys.of(keyPair.getPublic());
    }
}
