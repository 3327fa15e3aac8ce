package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.health.Health;
import dev.edgevl.schemas.topics.Topics;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgevl local --secure}: the whole loop runs with every service as its own principal under the ACLs (so the
 * ACLs let each do its work), annotations flow, the client files in {@code DATA_DIR/security} work as written, a client
 * without credentials gets nowhere and the device principal may not write {@code models}.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class LocalSecureIT {
    @Test
    void theWholeLoopRunsWithAPrincipalPerServiceAndTheAclsHold(@TempDir Path dataDir, @TempDir Path reportDir)
            throws Exception {
        RunningLocal running = RunningLocal.start(
                "--port",
                "0",
                "--data-dir",
                dataDir.toString(),
                "--scenario",
                "default",
                "--secure",
                "--report",
                reportDir.resolve("local.json").toString());
        LocalCommand local = running.command();
        StringWriter out = running.out();
        CompletableFuture<Integer> exit = running.exit();
        String bootstrap = local.awaitReady();
        Path security = dataDir.resolve("security");
        try {
            assertThat(bootstrap).as("local is up; output so far:%n%s", out).isNotNull();
            assertThat(out.toString()).contains("Secured: SCRAM-SHA-512 over TLS", "edgevl local is up");

            // Annotations flow: frame sync, the teacher, the job and the devices got what their ACLs allow.
            Map<String, Object> operator = file(security.resolve("operator.properties"));
            operator.put("group.id", "edgevl-local-secure-it"); // the operator's groups are edgevl-*
            operator.put("auto.offset.reset", "earliest");
            long annotations = 0;
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(operator, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(Topics.FRAMES_ANNOTATED.name()));
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (annotations < 50 && System.nanoTime() < deadline) {
                    annotations += consumer.poll(Duration.ofMillis(500)).count();
                }
            }
            assertThat(annotations)
                    .as("annotations read as the operator; output:%n%s", out)
                    .isGreaterThanOrEqualTo(50);
            Thread.sleep(5_000);
            Map<String, Health> health = local.stack().health();
            assertThat(health).allSatisfy((service, h) -> assertThat(h.live() && h.ready())
                    .as("%s: %s", service, h)
                    .isTrue());
            assertThat(local.stack().jobFailure())
                    .as("the job never failed over")
                    .isEmpty();

            // The device principal writes frames, never models.
            Map<String, Object> device = file(security.resolve("device.properties"));
            device.put("max.block.ms", 10_000);
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(device, new ByteArraySerializer(), new ByteArraySerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(
                                        Topics.MODELS.name(), "student".getBytes(), new byte[] {1}))
                                .get(20, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            // No credentials, no entry.
            try (Admin anonymous = Admin.create(Map.of(
                    "bootstrap.servers", bootstrap, "request.timeout.ms", 3_000, "default.api.timeout.ms", 5_000))) {
                assertThatThrownBy(() -> anonymous.listTopics().names().get(10, TimeUnit.SECONDS));
            }
            // The operator's settings file serves the edgevl commands.
            EdgevlTest.Run labels = EdgevlTest.run(
                    "labels",
                    "list",
                    "--config",
                    security.resolve("edgevl.properties").toString());
            assertThat(labels.exitCode()).as(labels.err()).isZero();
            assertThat(labels.out()).contains("live labels");
            assertThat(security.resolve("device.librdkafka.properties")).exists();
        } finally {
            local.stop();
        }
        assertThat(exit.get(120, TimeUnit.SECONDS)).as("output:%n%s", out).isZero();
    }

    private static Map<String, Object> file(Path path) throws Exception {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            p.load(in);
        }
        Map<String, Object> out = new HashMap<>();
        p.forEach((k, v) -> out.put((String) k, v));
        return out;
    }
}
