package dev.edgevl.schemas.registry;

import dev.edgevl.config.ConfigOption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Builds the SSL context for https registries from the stores named in {@link RegistryConfig.Tls}. */
final class SslContexts {
    static final String PEM = "PEM";

    private SslContexts() {}

    static SSLContext create(RegistryConfig.Tls tls) {
        try {
            KeyManager[] keys = null;
            if (tls.keystoreLocation() != null) {
                KeyStore store = load(
                        tls.keystoreLocation(),
                        tls.keystorePassword(),
                        tls.keystoreType(),
                        RegistryConfig.KEYSTORE_LOCATION);
                String keyPassword = tls.keyPassword() != null ? tls.keyPassword() : tls.keystorePassword();
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, chars(keyPassword));
                keys = factory.getKeyManagers();
            }
            // Null trust managers make the JDK use its own cacerts, which is right for public CAs.
            TrustManager[] trust = null;
            if (tls.truststoreLocation() != null) {
                KeyStore store = load(
                        tls.truststoreLocation(),
                        tls.truststorePassword(),
                        tls.truststoreType(),
                        RegistryConfig.TRUSTSTORE_LOCATION);
                TrustManagerFactory factory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "Cannot set up TLS for the schema registry: " + SchemaRegistryException.describe(e) + " (check "
                            + RegistryConfig.KEY_PASSWORD.key() + ").",
                    e);
        }
    }

    private static KeyStore load(Path location, String password, String type, ConfigOption<Path> key) {
        try (InputStream in = Files.newInputStream(location)) {
            if (PEM.equalsIgnoreCase(type) && key == RegistryConfig.TRUSTSTORE_LOCATION) {
                return pemCertificates(in);
            }
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, chars(password));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "Cannot read " + key.key() + "=" + location + " as a " + type
                            + " store: " + SchemaRegistryException.describe(e)
                            + " (check that the file exists, its type, and its password).",
                    e);
        }
    }

    /**
     * A truststore of the CA certificates in a PEM file, as Kubernetes secrets usually carry them ({@code ca.crt});
     * Kafka clients read the same file with {@code ssl.truststore.type=PEM}.
     */
    private static KeyStore pemCertificates(InputStream in) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates =
                CertificateFactory.getInstance("X.509").generateCertificates(in);
        if (certificates.isEmpty()) {
            throw new CertificateException("no certificate in the file");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + i++, certificate);
        }
        return store;
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }
}
