package dev.edgevl.distill;

import dev.edgevl.config.ConfigException;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;

/**
 * The publisher's signing key from a PEM file: its "PRIVATE KEY" block signs, and the public key — from its own file
 * when one is given, else a "PUBLIC KEY" block in the same file, else the {@code .pub.pem} file beside it — names the
 * key (Java cannot derive an Ed25519 public key from a private one) and is checked to be the other half.
 */
public final class SigningKeys {
    private SigningKeys() {}

    public static KeyPair pair(DistillerConfig config) {
        return pair(config.signingKey(), config.signingPublicKey());
    }

    /** @param publicKeyFile null to look in the private key's file, then beside it */
    public static BundleSigner signer(Path privateKeyFile, Path publicKeyFile) {
        return BundleSigner.of(pair(privateKeyFile, publicKeyFile));
    }

    /** @param publicKeyFile null to look in the private key's file, then beside it */
    public static KeyPair pair(Path privateKeyFile, Path publicKeyFile) {
        try {
            String pem = Files.readString(privateKeyFile);
            List<PublicKey> inFile = Keys.publicKeysFromPem(pem);
            PublicKey publicKey;
            if (publicKeyFile != null) {
                publicKey = Keys.readPublicKey(publicKeyFile);
            } else if (!inFile.isEmpty()) {
                publicKey = inFile.get(0);
            } else {
                Path beside = publicKeyFileOf(privateKeyFile);
                if (!Files.isRegularFile(beside)) {
                    throw new ConfigException(
                            "The signing key " + privateKeyFile + " has no PUBLIC KEY block and there is no " + beside
                                    + "; put the public key in either, so the distiller can name the key consumers verify with.");
                }
                publicKey = Keys.readPublicKey(beside);
            }
            return Keys.pairOf(Keys.privateKeyFromPem(pem), publicKey);
        } catch (IOException e) {
            throw new ConfigException("Cannot read the signing key " + privateKeyFile + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("The signing key " + privateKeyFile + " is unusable: " + e.getMessage(), e);
        }
    }

    /** {@code key.pem} → {@code key.pub.pem}. */
    static Path publicKeyFileOf(Path privateKeyFile) {
        String name = privateKeyFile.getFileName().toString();
        String base = name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name;
        return privateKeyFile.resolveSibling(base + ".pub.pem");
    }
}
