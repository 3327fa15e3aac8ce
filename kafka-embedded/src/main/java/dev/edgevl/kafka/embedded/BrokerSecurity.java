package dev.edgevl.kafka.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What a secured embedded broker needs, kept in one directory and made once: a TLS certificate for localhost and
 * 127.0.0.1 (made with the JDK's {@code keytool}; PKCS12 key and trust stores, and the certificate as PEM for
 * librdkafka), and a SCRAM-SHA-512 password for the broker's own {@value #ADMIN} and for each principal asked for. The
 * client listener takes SASL_SSL only; the controller listener stays PLAINTEXT on the broker's host (KRaft does not
 * authenticate brokers to controllers with SCRAM), and its principal, {@code ANONYMOUS}, is a super user with
 * {@value #ADMIN}. Every other principal may do only what ACLs allow.
 */
public final class BrokerSecurity {
    public static final String ADMIN = "admin";
    public static final String MECHANISM = "SCRAM-SHA-512";
    private static final String PASSWORDS = "passwords.properties";
    private static final String KEYSTORE = "broker.p12";
    private static final String TRUSTSTORE = "truststore.p12";
    private static final String CERTIFICATE = "ca.pem";

    private final Path dir;
    private final Map<String, String> passwords;

    private BrokerSecurity(Path dir, Map<String, String> passwords) {
        this.dir = dir;
        this.passwords = passwords;
    }

    /**
     * The security material in {@code dir}, made when missing; principals not there yet get a password now (those made
     * before keep theirs, so a data dir formatted with them still accepts them).
     */
    public static BrokerSecurity createOrLoad(Path dir, List<String> principals) throws IOException {
        Files.createDirectories(dir);
        Properties stored = new Properties();
        Path file = dir.resolve(PASSWORDS);
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                stored.load(in);
            }
        }
        Map<String, String> passwords = new TreeMap<>();
        List<String> all = new ArrayList<>(principals);
        all.add(ADMIN);
        all.add("store");
        for (String principal : all) {
            String password = stored.getProperty(principal);
            passwords.put(principal, password != null ? password : randomSecret());
        }
        if (!passwords.keySet().equals(stored.stringPropertyNames())) {
            Properties out = new Properties();
            out.putAll(passwords);
            try (OutputStream o = Files.newOutputStream(file)) {
                out.store(o, "SCRAM passwords of the embedded broker's principals, and its key store's");
            }
        }
        BrokerSecurity security = new BrokerSecurity(dir, passwords);
        if (!Files.exists(dir.resolve(TRUSTSTORE))) {
            security.makeCertificate();
        }
        return security;
    }

    public Path directory() {
        return dir;
    }

    /** Every principal but the broker's own. */
    public List<String> principals() {
        return passwords.keySet().stream()
                .filter(p -> !p.equals(ADMIN) && !p.equals("store"))
                .toList();
    }

    /** The broker's settings for a client listener named {@code listener} (SASL_SSL) beside the controller's. */
    Map<String, String> brokerProperties(String listener, String controllerListener) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listener.security.protocol.map", listener + ":SASL_SSL," + controllerListener + ":PLAINTEXT");
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put("listener.name." + listener.toLowerCase() + ".scram-sha-512.sasl.jaas.config", jaas(ADMIN));
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", dir.resolve(KEYSTORE).toString());
        p.put("ssl.keystore.password", passwords.get("store"));
        p.put("ssl.key.password", passwords.get("store"));
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", dir.resolve(TRUSTSTORE).toString());
        p.put("ssl.truststore.password", passwords.get("store"));
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
        return p;
    }

    /** The SCRAM credentials to format a fresh data dir with, as {@code kafka-storage format --add-scram} takes them. */
    List<String> scramArguments() {
        List<String> out = new ArrayList<>();
        passwords.forEach((principal, password) -> {
            if (!principal.equals("store")) {
                out.add(MECHANISM + "=[name=" + principal + ",password=" + password + "]");
            }
        });
        return out;
    }

    /** Java client properties of {@code principal} (without {@code bootstrap.servers}). */
    public Map<String, Object> clientProperties(String principal) {
        if (!passwords.containsKey(principal) || principal.equals("store")) {
            throw new IllegalArgumentException("No principal '" + principal + "'; there are " + principals() + ".");
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", MECHANISM);
        p.put("sasl.jaas.config", jaas(principal));
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", dir.resolve(TRUSTSTORE).toString());
        p.put("ssl.truststore.password", passwords.get("store"));
        return p;
    }

    /**
     * Writes {@code PRINCIPAL.properties} (Java clients: {@code --command-config}, {@code --config}) and {@code
     * PRINCIPAL.librdkafka.properties} ({@code kcat -F}) for every principal.
     */
    public void writeClientFiles(String bootstrap) throws IOException {
        for (String principal : principals()) {
            StringBuilder java = new StringBuilder("# Kafka client settings of principal " + principal + "\n");
            java.append("bootstrap.servers=").append(bootstrap).append('\n');
            clientProperties(principal).forEach((k, v) -> java.append(k)
                    .append('=')
                    .append(escape(String.valueOf(v)))
                    .append('\n'));
            Files.writeString(dir.resolve(principal + ".properties"), java.toString());
            String rdkafka = "# librdkafka settings of principal " + principal + " (kcat -F FILE)\n"
                    + "bootstrap.servers=" + bootstrap + "\n"
                    + "security.protocol=SASL_SSL\n"
                    + "sasl.mechanisms=" + MECHANISM + "\n"
                    + "sasl.username=" + principal + "\n"
                    + "sasl.password=" + passwords.get(principal) + "\n"
                    + "ssl.ca.location=" + dir.resolve(CERTIFICATE) + "\n";
            Files.writeString(dir.resolve(principal + ".librdkafka.properties"), rdkafka);
        }
    }

    private String jaas(String principal) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + principal
                + "\" password=\"" + passwords.get(principal) + "\";";
    }

    private void makeCertificate() throws IOException {
        String store = passwords.get("store");
        keytool(
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "3650",
                "-keystore",
                dir.resolve(KEYSTORE).toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                store,
                "-keypass",
                store);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "broker",
                "-keystore",
                dir.resolve(KEYSTORE).toString(),
                "-storepass",
                store,
                "-file",
                dir.resolve(CERTIFICATE).toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                dir.resolve(CERTIFICATE).toString(),
                "-keystore",
                dir.resolve(TRUSTSTORE).toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                store);
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while keytool ran", e);
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\");
    }
}
