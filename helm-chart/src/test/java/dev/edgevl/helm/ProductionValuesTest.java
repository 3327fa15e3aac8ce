package dev.edgevl.helm;

import static dev.edgevl.helm.DefaultValuesTest.mountOf;
import static dev.edgevl.helm.DefaultValuesTest.volume;
import static dev.edgevl.helm.RenderedChart.allContainers;
import static dev.edgevl.helm.RenderedChart.container;
import static dev.edgevl.helm.RenderedChart.env;
import static dev.edgevl.helm.RenderedChart.podSpec;
import static dev.edgevl.helm.RenderedChart.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.schemas.registry.RegistryConfig;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.serde.WireFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The chart with examples/production.yaml: Strimzi SCRAM over TLS, an https registry with basic auth, images by
 * digest, checkpoints on S3 with HA, a GPU teacher. What each service would read is checked through the typed
 * settings it uses.
 */
class ProductionValuesTest {
    private static final Path PRODUCTION = RenderedChart.example("production.yaml");
    private static final String CA = "/etc/edgevl/kafka-ca/ca.crt";
    private final RenderedChart chart =
            RenderedChart.renderExactly(Optional.of(PRODUCTION), Map.of("topics.hook", "false"));

    @Test
    void rendersTheSameKindsWithTheJob() {
        assertThat(chart.kinds())
                .containsExactlyInAnyOrder(
                        "ConfigMap", "Service", "Deployment", "Deployment", "StatefulSet", "FlinkDeployment", "Job");
        assertThat(chart.get("Deployment", "frame-sync").at("/spec/replicas").asInt())
                .isEqualTo(4);
    }

    @Test
    void everyServiceReachesKafkaWithScramOverTlsFromItsSecrets() {
        for (String[] service : new String[][] {
            {"Deployment", "frame-sync", "frame-sync"},
            {"Deployment", "teacher", "teacher"},
            {"StatefulSet", "distiller", "distiller"},
            {"FlinkDeployment", "stream-inference", "flink-main-container"}
        }) {
            JsonNode workload = chart.get(service[0], service[1]);
            JsonNode container = container(workload, service[2]);
            String where = service[1];
            Map<String, Object> kafka = KafkaSettings.clientProperties(chart.settingsOf(service[1], container), null);
            assertThat(kafka)
                    .as(where)
                    .containsEntry("bootstrap.servers", "my-cluster-kafka-bootstrap.kafka.svc:9093")
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry(
                            "sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required "
                                    + "username=\"edgevl\" password=\"<secret:edgevl/password>\";")
                    .containsEntry("ssl.truststore.type", "PEM")
                    .containsEntry("ssl.truststore.location", CA)
                    .containsEntry("client.dns.lookup", "use_all_dns_ips")
                    .containsEntry("metadata.max.age.ms", "60000");
            // The CA file the clients are told about is where the CA Secret is mounted.
            assertThat(mountOf(container, "kafka-ca") + "/ca.crt").as(where).isEqualTo(CA);
            JsonNode ca = volume(workload, "kafka-ca").path("secret");
            assertThat(ca.path("secretName").asText()).isEqualTo("my-cluster-cluster-ca-cert");
            assertThat(ca.path("items").findValuesAsText("key")).containsExactly("ca.crt");
            // The password only ever comes from the Secret.
            JsonNode password = env(container).get("KAFKA_SASL_PASSWORD");
            assertThat(password.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("edgevl");
            assertThat(password.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("password");
        }
    }

    @Test
    void aServiceWithCredentialsOfItsOwnIsItsOwnPrincipalAndTheOthersKeepTheSharedOne() {
        RenderedChart perService = RenderedChart.renderExactly(
                Optional.of(PRODUCTION),
                Map.of(
                        "topics.hook", "false",
                        "kafka.sasl.services.frameSync.username", "edgevl-frame-sync",
                        "kafka.sasl.services.frameSync.passwordSecret.name", "edgevl-frame-sync",
                        "kafka.sasl.services.streamInference.jaasConfigSecret.name", "edgevl-job"));
        JsonNode frameSync = container(perService.get("Deployment", "frame-sync"), "frame-sync");
        assertThat(KafkaSettings.clientProperties(perService.settingsOf("frame-sync", frameSync), null))
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required "
                                + "username=\"edgevl-frame-sync\" password=\"<secret:edgevl-frame-sync/password>\";")
                .containsEntry("security.protocol", "SASL_SSL");
        JsonNode job = container(perService.get("FlinkDeployment", "stream-inference"), "flink-main-container");
        assertThat(KafkaSettings.clientProperties(perService.settingsOf("stream-inference", job), null))
                .containsEntry("sasl.jaas.config", "<secret:edgevl-job/sasl.jaas.config>");
        JsonNode teacher = container(perService.get("Deployment", "teacher"), "teacher");
        assertThat(KafkaSettings.clientProperties(perService.settingsOf("teacher", teacher), null))
                .as("a service without credentials of its own")
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required "
                                + "username=\"edgevl\" password=\"<secret:edgevl/password>\";");
    }

    @Test
    void theRegistryIsReachedOverHttpsWithBasicAuthFromASecret() {
        JsonNode teacher = container(chart.get("Deployment", "teacher"), "teacher");
        Settings settings = chart.settingsOf("teacher", teacher);
        assertThat(settings.get(AvroSerdes.FORMAT)).isEqualTo(WireFormat.CONFLUENT);
        RegistryConfig registry = RegistryConfig.from(settings, "in this test");
        assertThat(registry.urls())
                .extracting(Object::toString)
                .containsExactly("https://apicurio.registry.svc:8443/apis/ccompat/v7");
        assertThat(registry.basicAuthUserInfo()).isEqualTo("<secret:edgevl-registry/user-info>");
        assertThat(registry.tls().truststoreType()).isEqualTo("PEM");
        assertThat(registry.tls().truststoreLocation()).hasToString(mountOf(teacher, "registry-ca") + "/ca.crt");
        assertThat(settings.raw("registry.auto-register")).hasValue("false");

        assertThat(chart.get("ConfigMap", "config").toString())
                .as("no secret in the ConfigMap")
                .doesNotContainIgnoringCase("password")
                .doesNotContain("user-info");
    }

    @Test
    void imagesArePulledByDigest() {
        String image =
                "registry.example.com/edgevl/edgevl@sha256:4f1c0e0b2c7d9a8e6f5b3a2918d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2918d7c";
        for (JsonNode workload : chart.objects) {
            if (List.of("Deployment", "StatefulSet", "Job")
                    .contains(workload.path("kind").asText())) {
                assertThat(allContainers(workload))
                        .extracting(c -> c.path("image").asText())
                        .containsOnly(image);
                assertThat(podSpec(workload).path("imagePullSecrets"))
                        .extracting(c -> c.path("name").asText())
                        .containsExactly("registry-example-pull");
            }
        }
        assertThat(chart.get("FlinkDeployment", "stream-inference")
                        .at("/spec/image")
                        .asText())
                .isEqualTo(
                        "registry.example.com/edgevl/edgevl-flink@sha256:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b");
    }

    @Test
    void theFlinkJobCheckpointsToS3WithHighAvailability() {
        JsonNode flink = chart.get("FlinkDeployment", "stream-inference");
        JsonNode spec = flink.path("spec");
        assertThat(spec.at("/job/parallelism").asInt()).isEqualTo(6);
        assertThat(spec.at("/job/upgradeMode").asText()).isEqualTo("last-state");
        JsonNode conf = spec.path("flinkConfiguration");
        assertThat(conf.path("execution.checkpointing.dir").asText()).isEqualTo("s3://edgevl-flink/checkpoints");
        assertThat(conf.path("execution.checkpointing.savepoint-dir").asText())
                .isEqualTo("s3://edgevl-flink/savepoints");
        assertThat(conf.path("high-availability.type").asText()).isEqualTo("kubernetes");
        assertThat(conf.path("high-availability.storageDir").asText()).isEqualTo("s3://edgevl-flink/ha");
        assertThat(conf.path("state.backend.type").asText()).isEqualTo("rocksdb");
        assertThat(conf.path("execution.checkpointing.incremental").asText()).isEqualTo("true");
        assertThat(conf.path("restart-strategy.type").asText()).isEqualTo("fixed-delay");
        assertThat(conf.path("restart-strategy.fixed-delay.attempts").asText()).isEqualTo("20");
        assertThat(conf.path("restart-strategy.fixed-delay.delay").asText()).isEqualTo("15s");
        assertThat(conf.fieldNames()).toIterable().noneMatch(k -> k.startsWith("restart-strategy.exponential-delay"));
        assertThat(conf.path("metrics.reporter.prom.port").asText())
                .as("the chart turns Flink's Prometheus reporter on; numbers reach Flink as strings")
                .isEqualTo("9249");
        assertThat(spec.at("/taskManager/resource/memory").asText()).isEqualTo("8192m");

        JsonNode main = container(flink, "flink-main-container");
        assertThat(env(main)
                        .get("AWS_SECRET_ACCESS_KEY")
                        .at("/valueFrom/secretKeyRef/name")
                        .asText())
                .isEqualTo("edgevl-flink-s3");
        assertThat(env(main).get("ENABLE_BUILT_IN_PLUGINS").path("value").asText())
                .isEqualTo("flink-s3-fs-presto-2.2.1.jar");
        Settings settings = chart.settingsOf("stream-inference", main);
        assertThat(settings.raw("inference.batch.size")).hasValue("64");
        assertThat(settings.raw("inference.route.budget")).hasValue("0.03");
    }

    @Test
    void theTeacherRunsATorchScriptClipOnAGpuNode() {
        JsonNode teacher = chart.get("Deployment", "teacher");
        JsonNode serve = container(teacher, "teacher");
        assertThat(podSpec(teacher).path("initContainers").isMissingNode())
                .as("no pretraining for a real CLIP")
                .isTrue();
        Settings settings = chart.settingsOf("teacher", serve);
        assertThat(settings.raw("teacher.kind")).hasValue("torchscript");
        assertThat(settings.raw("teacher.path")).hasValue("/models/clip-vit-b32");
        assertThat(settings.raw("teacher.device")).hasValue("gpu0");
        assertThat(settings.raw("teacher.batch.size")).hasValue("32");
        assertThat(serve.at("/resources/limits/nvidia.com~1gpu").asInt()).isEqualTo(1);
        assertThat(serve.at("/resources/limits/memory").asText()).isEqualTo("8Gi");
        assertThat(podSpec(teacher).at("/nodeSelector/nvidia.com~1gpu.present").asText())
                .isEqualTo("true");
        assertThat(podSpec(teacher).at("/tolerations/0/key").asText()).isEqualTo("nvidia.com/gpu");
        assertThat(volume(teacher, "model")
                        .at("/persistentVolumeClaim/claimName")
                        .asText())
                .isEqualTo("clip-models");
        assertThat(mountOf(serve, "model")).isEqualTo("/models");
    }

    @Test
    void theDistillerStoreUsesTheGivenClass() {
        JsonNode claim = chart.get("StatefulSet", "distiller").at("/spec/volumeClaimTemplates/0/spec");
        assertThat(claim.path("storageClassName").asText()).isEqualTo("fast-ssd");
        assertThat(claim.at("/resources/requests/storage").asText()).isEqualTo("50Gi");
    }

    @Test
    void theTopicsJobCreatesTopicsThenRegistersTheSchemas() {
        JsonNode job = chart.get("Job", "topics");
        assertThat(strings(container(job, "topics").path("args")))
                .containsExactly("topics", "create", "--replication-factor=3", "--timeout=60");
        assertThat(podSpec(job).path("initContainers"))
                .extracting(c -> c.path("name").asText())
                .containsExactly("topics");
        JsonNode register = container(job, "schemas");
        assertThat(strings(register.path("args"))).containsExactly("schemas", "register", "--compatibility=BACKWARD");
        assertThat(env(register)
                        .get("EDGEVL_REGISTRY_BASIC_AUTH_USER_INFO")
                        .at("/valueFrom/secretKeyRef/name")
                        .asText())
                .isEqualTo("edgevl-registry");
    }
}
