package dev.edgevl.model.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The public keys whose signatures make a bundle acceptable, by key id. Immutable. */
public final class TrustedKeys {
    private final Map<String, PublicKey> byId;

    private TrustedKeys(Map<String, PublicKey> byId) {
        this.byId = Collections.unmodifiableMap(byId);
    }

    public static TrustedKeys of(PublicKey... keys) {
        return of(Arrays.asList(keys));
    }

    public static TrustedKeys of(Collection<PublicKey> keys) {
        Map<String, PublicKey> byId = new TreeMap<>();
        for (PublicKey key : keys) {
            byId.put(Keys.keyId(key), key);
        }
        return new TrustedKeys(byId);
    }

    /** Every "PUBLIC KEY" block in every text given. */
    public static TrustedKeys fromPem(String... pems) {
        return of(Arrays.stream(pems)
                .flatMap(pem -> Keys.publicKeysFromPem(pem).stream())
                .toList());
    }

    /** Every "PUBLIC KEY" block in every file given; a file without one is a configuration mistake and refused. */
    public static TrustedKeys fromPemFiles(Collection<Path> files) throws IOException {
        List<PublicKey> keys = new ArrayList<>();
        for (Path file : files) {
            List<PublicKey> inFile;
            try {
                inFile = Keys.publicKeysFromPem(Files.readString(file, StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            if (inFile.isEmpty()) {
                throw new IllegalArgumentException(
                        file + " holds no PEM '" + Keys.PUBLIC_PEM
                                + "' block; a trusted-key file holds Ed25519 public keys such as 'openssl pkey -pubout' writes");
            }
            keys.addAll(inFile);
        }
        return of(keys);
    }

    public Optional<PublicKey> find(String keyId) {
        return Optional.ofNullable(keyId == null ? null : byId.get(keyId));
    }

    public Set<String> keyIds() {
        return byId.keySet();
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    @Override
    public String toString() {
        return "trusted keys " + byId.keySet();
    }
}
