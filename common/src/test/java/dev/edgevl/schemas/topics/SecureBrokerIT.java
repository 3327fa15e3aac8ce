package dev.edgevl.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.kafka.embedded.BrokerSecurity;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker secured ({@link BrokerSecurity}: SCRAM-SHA-512 over TLS, an authorizer) with the services' ACLs
 * ({@link ServiceAcls}): a client without credentials gets nowhere, a wrong password is refused, a device writes frames
 * but never {@code models} or {@code labels}, the operator writes labels; the client files work as they are.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecureBrokerIT {
    @Test
    void onlyAuthenticatedPrincipalsGetInAndEachWritesOnlyWhereItsAclsAllow(@TempDir Path dir) throws Exception {
        BrokerSecurity security = BrokerSecurity.createOrLoad(dir.resolve("security"), ServiceAcls.PRINCIPALS);
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .dataDir(dir.resolve("kafka"))
                .security(security)
                .start()) {
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(client(security, BrokerSecurity.ADMIN, bootstrap))) {
                new TopicInstaller(admin, Optional.empty(), 30_000).ensure(Topics.withDeadLetters());
                admin.createAcls(ServiceAcls.all()).all().get(30, TimeUnit.SECONDS);
            }
            security.writeClientFiles(bootstrap);

            // No credentials: a PLAINTEXT client cannot even list topics.
            try (Admin anonymous = Admin.create(Map.of(
                    "bootstrap.servers", bootstrap, "request.timeout.ms", 3_000, "default.api.timeout.ms", 5_000))) {
                assertThatThrownBy(() -> anonymous.listTopics().names().get(10, TimeUnit.SECONDS))
                        .as("a client without TLS and credentials");
            }
            // A wrong password.
            Map<String, Object> wrong = client(security, ServiceAcls.DEVICE, bootstrap);
            wrong.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"device\""
                            + " password=\"guess\";");
            try (KafkaProducer<byte[], byte[]> guessing = producer(wrong)) {
                assertThatThrownBy(() -> send(guessing, Topics.FRAMES_RGB.name()))
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }

            // The device, from the client file written for it.
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(dir.resolve("security").resolve("device.properties"))) {
                file.load(in);
            }
            Map<String, Object> device = new HashMap<>();
            file.forEach((k, v) -> device.put((String) k, v));
            try (KafkaProducer<byte[], byte[]> producer = producer(device)) {
                send(producer, Topics.FRAMES_RGB.name());
                send(producer, Topics.FLEET_STATUS.name());
                assertThatThrownBy(() -> send(producer, Topics.MODELS.name()))
                        .as("a device writing models")
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            try (KafkaProducer<byte[], byte[]> producer = producer(device)) {
                assertThatThrownBy(() -> send(producer, Topics.LABELS.name()))
                        .as("a device writing labels")
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            try (KafkaProducer<byte[], byte[]> operator = producer(client(security, ServiceAcls.OPERATOR, bootstrap))) {
                send(operator, Topics.LABELS.name());
            }
            assertThat(Files.readString(dir.resolve("security").resolve("device.librdkafka.properties")))
                    .contains("security.protocol=SASL_SSL", "sasl.mechanisms=SCRAM-SHA-512", "sasl.username=device")
                    .contains("ssl.ca.location=");
        }
    }

    private static Map<String, Object> client(BrokerSecurity security, String principal, String bootstrap) {
        Map<String, Object> p = new HashMap<>(security.clientProperties(principal));
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> config) {
        Map<String, Object> p = new HashMap<>(config);
        p.put("max.block.ms", 10_000);
        p.put("delivery.timeout.ms", 10_000);
        p.put("request.timeout.ms", 5_000);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic) throws Exception {
        producer.send(new ProducerRecord<>(topic, "k".getBytes(), "v".getBytes()))
                .get(20, TimeUnit.SECONDS);
    }
}
