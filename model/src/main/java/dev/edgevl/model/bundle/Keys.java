package dev.edgevl.model.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys for signing bundles: generation, key ids, and PEM files in the forms OpenSSL reads and writes
 * ({@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} give files these methods read).
 */
public final class Keys {
    public static final String ALGORITHM = "Ed25519";
    static final String PRIVATE_PEM = "PRIVATE KEY";
    static final String PUBLIC_PEM = "PUBLIC KEY";

    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private Keys() {}

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no Ed25519; Java 15 or later is needed", e);
        }
    }

    /** First 16 hex characters of the SHA-256 of the key's X.509 encoding: short enough for a log line, unique in a fleet. */
    public static String keyId(PublicKey key) {
        requireEd25519(key);
        return Digests.sha256Hex(key.getEncoded()).substring(0, 16);
    }

    public static String toPem(PrivateKey key) {
        requireEd25519(key);
        return pem(PRIVATE_PEM, key.getEncoded());
    }

    public static String toPem(PublicKey key) {
        requireEd25519(key);
        return pem(PUBLIC_PEM, key.getEncoded());
    }

    /** The first "PRIVATE KEY" (PKCS#8) block in the text. */
    public static PrivateKey privateKeyFromPem(String pem) {
        List<byte[]> blocks = blocks(pem, PRIVATE_PEM);
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(
                    "no PEM '" + PRIVATE_PEM + "' block found; expected an unencrypted PKCS#8"
                            + " Ed25519 key such as 'openssl genpkey -algorithm ed25519' writes");
        }
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the PEM private key is not an Ed25519 key (" + e.getMessage() + ")", e);
        }
    }

    /** The first "PUBLIC KEY" (X.509 SubjectPublicKeyInfo) block in the text. */
    public static PublicKey publicKeyFromPem(String pem) {
        List<PublicKey> keys = publicKeysFromPem(pem);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no PEM '" + PUBLIC_PEM + "' block found; expected an Ed25519 public key"
                    + " such as 'openssl pkey -pubout' writes");
        }
        return keys.get(0);
    }

    /** Every "PUBLIC KEY" block in the text, so one trust file can hold the old and the new key during a rotation. */
    public static List<PublicKey> publicKeysFromPem(String pem) {
        List<PublicKey> keys = new ArrayList<>();
        for (byte[] der : blocks(pem, PUBLIC_PEM)) {
            try {
                keys.add(KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der)));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(
                        "a PEM public key is not an Ed25519 key (" + e.getMessage() + ")", e);
            }
        }
        return keys;
    }

    /**
     * The two halves as a pair, checked by signing with one and verifying with the other: Java cannot derive an Ed25519
     * public key from a private one, and a mismatched pair would sign bundles nobody can verify.
     *
     * @throws IllegalArgumentException when they are not halves of one pair
     */
    public static KeyPair pairOf(PrivateKey privateKey, PublicKey publicKey) {
        byte[] probe = "edgevl key pair check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(privateKey);
            signer.update(probe);
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            matches = verifier.verify(signer.sign());
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException(
                    "the private key and the public key " + keyId(publicKey) + " are not halves of one Ed25519 pair");
        }
        return new KeyPair(publicKey, privateKey);
    }

    /** Readable by its owner only; the signing key is what makes a model trusted by the whole fleet. */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        AtomicFiles.write(file, toPem(key).getBytes(StandardCharsets.US_ASCII), true);
    }

    public static void writePublicKey(Path file, PublicKey key) throws IOException {
        AtomicFiles.write(file, toPem(key).getBytes(StandardCharsets.US_ASCII), false);
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        try {
            return privateKeyFromPem(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static PublicKey readPublicKey(Path file) throws IOException {
        try {
            return publicKeyFromPem(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Other EdDSA curves and other algorithms are refused here, where the mistake is easy to read. */
    static void requireEd25519(Key key) {
        if (key instanceof EdECKey ed
                && ALGORITHM.equalsIgnoreCase(ed.getParams().getName())) {
            return;
        }
        throw new IllegalArgumentException("model bundles are signed with Ed25519 keys, not with "
                + (key == null ? "no key" : key.getAlgorithm() + " keys"));
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static List<byte[]> blocks(String pem, String type) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(pem == null ? "" : pem);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return out;
    }
}
