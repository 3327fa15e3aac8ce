package dev.edgevl.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the truststore and keystore settings against an https stand-in that demands a client
 * certificate. The certificates come from the JDK's keytool, so nothing secret is checked in.
 */
class SchemaRegistryClientTlsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path certs;

    private static Path keystore;
    private static Path truststore;
    private static Path pemCertificate;

    @BeforeAll
    static void makeCertificates() throws Exception {
        keystore = certs.resolve("registry.p12");
        truststore = certs.resolve("trust.jks");
        Path certificate = certs.resolve("registry.crt");
        keytool(
                "-genkeypair",
                "-alias",
                "registry",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD);
        keytool(
                "-exportcert",
                "-alias",
                "registry",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                certificate.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "registry",
                "-file",
                certificate.toString(),
                "-storetype",
                "JKS",
                "-keystore",
                truststore.toString(),
                "-storepass",
                PASSWORD);
        pemCertificate = certs.resolve("ca.crt");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "registry",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                pemCertificate.toString());
    }

    @Test
    void trustsTheCertificatesOfAPemFile() {
        try (StubRegistry registry = mutualTlsRegistry().reply(200, "[\"frames-value\"]");
                SchemaRegistryClient client = new SchemaRegistryClient(RegistryConfig.builder()
                        .url(registry.url().toString())
                        .truststore(pemCertificate, null, "PEM")
                        .keystore(keystore, PASSWORD, "PKCS12")
                        .build())) {

            assertThat(client.subjects()).containsExactly("frames-value");
        }
    }

    @Test
    void talksToAnHttpsRegistryWithAClientCertificate() {
        try (StubRegistry registry = mutualTlsRegistry().reply(200, "[\"frames-value\"]");
                SchemaRegistryClient client = new SchemaRegistryClient(RegistryConfig.builder()
                        .url(registry.url().toString())
                        .truststore(truststore, PASSWORD, "JKS")
                        .keystore(keystore, PASSWORD, "PKCS12")
                        .build())) {

            assertThat(client.subjects()).containsExactly("frames-value");
        }
    }

    @Test
    void failsWithoutTheClientCertificate() {
        try (StubRegistry registry = mutualTlsRegistry();
                SchemaRegistryClient client = new SchemaRegistryClient(RegistryConfig.builder()
                        .url(registry.url().toString())
                        .truststore(truststore, PASSWORD, "JKS")
                        .maxRetries(0)
                        .requestTimeout(Duration.ofSeconds(5))
                        .build())) {

            assertThatThrownBy(client::subjects)
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus())
                            .isEqualTo(SchemaRegistryException.NO_STATUS));
        }
    }

    @Test
    void namesTheStoreThatCannotBeRead() {
        RegistryConfig config = RegistryConfig.builder()
                .url("https://127.0.0.1:1")
                .truststore(truststore, "wrong-password", "JKS")
                .build();

        assertThatThrownBy(() -> new SchemaRegistryClient(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registry.ssl.truststore.location=" + truststore)
                .hasMessageContaining("JKS")
                .hasMessageNotContaining("wrong-password");
    }

    private static StubRegistry mutualTlsRegistry() {
        SSLContext context = SslContexts.create(
                new RegistryConfig.Tls(truststore, PASSWORD, "JKS", keystore, PASSWORD, "PKCS12", null));
        return StubRegistry.https(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = context.getDefaultSSLParameters();
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path log = certs.resolve("keytool.log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "keytool " + args[0] + " failed: " + Files.readString(log, StandardCharsets.UTF_8));
        }
    }
}
