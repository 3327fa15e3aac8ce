package dev.edgevl.helm;

import static dev.edgevl.helm.RenderedChart.allContainers;
import static dev.edgevl.helm.RenderedChart.container;
import static dev.edgevl.helm.RenderedChart.env;
import static dev.edgevl.helm.RenderedChart.podSpec;
import static dev.edgevl.helm.RenderedChart.ports;
import static dev.edgevl.helm.RenderedChart.resolvedEnv;
import static dev.edgevl.helm.RenderedChart.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.health.HealthServer;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.serde.WireFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart with its defaults and only the two required values: what a first install gets. */
class DefaultValuesTest {
    private static final String APP_VERSION = "0.1.0-SNAPSHOT";
    private final RenderedChart chart = RenderedChart.render(Map.of());

    @Test
    void rendersOneObjectPerPieceOfTheDataFlow() {
        assertThat(chart.kinds())
                .containsExactlyInAnyOrder(
                        "ConfigMap", "Service", "Deployment", "Deployment", "StatefulSet", "FlinkDeployment");
        assertThat(chart.get("Deployment", "frame-sync").at("/spec/replicas").asInt())
                .isEqualTo(2);
        assertThat(chart.get("Deployment", "teacher").at("/spec/replicas").asInt())
                .isEqualTo(1);
        assertThat(chart.get("StatefulSet", "distiller").at("/spec/replicas").asInt())
                .isEqualTo(1);
        assertThat(chart.get("FlinkDeployment", "stream-inference")
                        .at("/apiVersion")
                        .asText())
                .isEqualTo("flink.apache.org/v1beta1");
        assertThat(chart.has("Deployment", "fleet-simulator"))
                .as("the simulator is for trials, off by default")
                .isFalse();
        assertThat(chart.get("Service", "distiller").at("/spec/clusterIP").asText())
                .as("the StatefulSet's headless service")
                .isEqualTo("None");
        assertThat(chart.get("StatefulSet", "distiller").at("/spec/serviceName").asText())
                .isEqualTo(
                        chart.get("Service", "distiller").at("/metadata/name").asText());
    }

    @Test
    void theTopicsJobCreatesTheCatalogue() {
        // helm template leaves hooks out, so the job is looked at as a plain Job; the hook only adds annotations.
        JsonNode job = RenderedChart.render(Map.of("topics.hook", "false")).get("Job", "topics");
        JsonNode topics = container(job, "topics");
        assertThat(strings(topics.path("args")))
                .containsExactly("topics", "create", "--replication-factor=3", "--timeout=60");
        assertThat(resolvedEnv(topics)).containsEntry("EDGEVL_KAFKA_BOOTSTRAP_SERVERS", "kafka.example:9092");
        assertThat(job.at("/metadata/annotations").isMissingNode()).isTrue();
        assertThat(podSpec(job).path("initContainers").isMissingNode())
                .as("no schema registration without a registry")
                .isTrue();

        JsonNode clusterDefault = RenderedChart.render(Map.of("topics.hook", "false", "topics.replicationFactor", "0"))
                .get("Job", "topics");
        assertThat(strings(container(clusterDefault, "topics").path("args")))
                .doesNotContain("--replication-factor=0")
                .noneMatch(a -> a.startsWith("--replication-factor"));
    }

    @Test
    void everyPodRunsRestrictedWithResourceLimits() {
        RenderedChart all = RenderedChart.render(Map.of("topics.hook", "false", "fleetSimulator.enabled", "true"));
        List<JsonNode> workloads = all.objects.stream()
                .filter(o -> List.of("Deployment", "StatefulSet", "Job")
                        .contains(o.path("kind").asText()))
                .toList();
        assertThat(workloads).hasSize(5);
        for (JsonNode workload : workloads) {
            String name = workload.at("/metadata/name").asText();
            JsonNode pod = podSpec(workload);
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean())
                    .as(name)
                    .isTrue();
            assertThat(pod.at("/securityContext/runAsUser").asInt()).as(name).isPositive();
            assertThat(pod.at("/securityContext/seccompProfile/type").asText())
                    .as(name)
                    .isEqualTo("RuntimeDefault");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true))
                    .as(name)
                    .isFalse();
            for (JsonNode container : allContainers(workload)) {
                String where = name + "/" + container.path("name").asText();
                assertThat(container
                                .at("/securityContext/allowPrivilegeEscalation")
                                .asBoolean(true))
                        .as(where)
                        .isFalse();
                assertThat(container
                                .at("/securityContext/readOnlyRootFilesystem")
                                .asBoolean())
                        .as(where)
                        .isTrue();
                assertThat(strings(container.at("/securityContext/capabilities/drop")))
                        .as(where)
                        .containsExactly("ALL");
                assertThat(container.at("/resources/limits/cpu").isMissingNode())
                        .as(where + " cpu limit")
                        .isFalse();
                assertThat(container.at("/resources/limits/memory").isMissingNode())
                        .as(where + " memory limit")
                        .isFalse();
                assertThat(container.at("/resources/requests/memory").asText())
                        .as(where)
                        .isNotBlank();
                assertThat(container.path("volumeMounts").findValuesAsText("mountPath"))
                        .as(where + ": /tmp stays writable")
                        .contains("/tmp");
            }
        }
        JsonNode flink = podSpec(all.get("FlinkDeployment", "stream-inference"));
        assertThat(flink.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(strings(flink.at("/containers/0/securityContext/capabilities/drop")))
                .containsExactly("ALL");
    }

    @Test
    void probesAskTheHealthEndpointsOnThePortTheServiceIsGiven() {
        for (int port : List.of(8080, 9095)) {
            RenderedChart rendered =
                    port == 8080 ? chart : RenderedChart.render(Map.of("health.port", Integer.toString(port)));
            for (String[] service : new String[][] {
                {"Deployment", "frame-sync"}, {"Deployment", "teacher"}, {"StatefulSet", "distiller"}
            }) {
                JsonNode container = container(rendered.get(service[0], service[1]), service[1]);
                String where = service[1] + " on " + port;
                assertThat(ports(container)).as(where).containsEntry("health", port);
                Settings settings = rendered.settingsOf(service[1], container);
                assertThat(settings.get(HealthServer.PORT))
                        .as(where + ": the service serves where the probes ask")
                        .isEqualTo(port);
                assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo(HealthServer.LIVE_PATH);
                assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("health");
                assertThat(container.at("/readinessProbe/httpGet/path").asText())
                        .isEqualTo(HealthServer.READY_PATH);
                assertThat(container.at("/readinessProbe/httpGet/port").asText())
                        .isEqualTo("health");
                assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo(HealthServer.LIVE_PATH);
                assertThat(container.at("/startupProbe/failureThreshold").asInt())
                        .isGreaterThan(1);
            }
        }
        JsonNode distiller = container(
                RenderedChart.render(Map.of("distiller.probes.enabled", "false"))
                        .get("StatefulSet", "distiller"),
                "distiller");
        assertThat(distiller.has("livenessProbe")).isFalse();
    }

    @Test
    void servicesReadTheirConnectionThroughTheTypedSettings() {
        JsonNode frameSync = container(chart.get("Deployment", "frame-sync"), "frame-sync");
        assertThat(strings(frameSync.path("args")))
                .containsExactly("ingest", "--config", "/etc/edgevl/config/edgevl.properties");
        assertThat(frameSync.path("volumeMounts").findValuesAsText("mountPath")).contains("/etc/edgevl/config");

        Settings settings = chart.settingsOf("frame-sync", frameSync);
        Map<String, Object> kafka = KafkaSettings.clientProperties(settings, null);
        assertThat(kafka)
                .containsEntry("bootstrap.servers", "kafka.example:9092")
                .containsEntry("security.protocol", "PLAINTEXT");
        assertThat(settings.get(AvroSerdes.FORMAT)).isEqualTo(WireFormat.SINGLE_OBJECT);
        assertThat(env(frameSync)).doesNotContainKeys("EDGEVL_REGISTRY_URL", "EDGEVL_KAFKA_SASL_JAAS_CONFIG");
    }

    @Test
    void settingsGoToTheServicesPropertiesFileAComponentsOwnWinning() {
        RenderedChart rendered = RenderedChart.render(Map.of(
                "settings.sync\\.tolerance",
                "25ms",
                "settings.kafka\\.metadata\\.max\\.age\\.ms",
                "60000",
                "frameSync.settings.sync\\.tolerance",
                "30ms",
                "teacher.settings.teacher\\.batch\\.size",
                "32"));
        assertThat(rendered.propertiesOf("frame-sync"))
                .containsEntry("sync.tolerance", "30ms")
                .containsEntry("kafka.metadata.max.age.ms", "60000");
        assertThat(rendered.propertiesOf("teacher"))
                .containsEntry("sync.tolerance", "25ms")
                .containsEntry("teacher.batch.size", "32");
        Settings teacher = rendered.settingsOf("teacher", container(rendered.get("Deployment", "teacher"), "teacher"));
        assertThat(teacher.raw("teacher.batch.size")).hasValue("32");
        assertThat(KafkaSettings.clientProperties(teacher, null)).containsEntry("metadata.max.age.ms", "60000");

        String before = chart.get("Deployment", "frame-sync")
                .at("/spec/template/metadata/annotations/checksum~1config")
                .asText();
        String after = rendered.get("Deployment", "frame-sync")
                .at("/spec/template/metadata/annotations/checksum~1config")
                .asText();
        assertThat(after).as("new settings roll the pods").isNotEqualTo(before);
    }

    @Test
    void imagesFollowTheAppVersionUnlessPinned() {
        assertThat(container(chart.get("Deployment", "frame-sync"), "frame-sync")
                        .path("image")
                        .asText())
                .isEqualTo("edgevl:" + APP_VERSION);
        assertThat(chart.get("FlinkDeployment", "stream-inference")
                        .at("/spec/image")
                        .asText())
                .isEqualTo("edgevl-flink:" + APP_VERSION);

        String digest = "sha256:" + "ab".repeat(32);
        RenderedChart pinned = RenderedChart.render(Map.of(
                "image.repository",
                "registry.example/edgevl",
                "image.tag",
                "1.2.3",
                "image.digest",
                digest,
                "flinkImage.tag",
                "1.2.3"));
        for (JsonNode workload : List.of(
                pinned.get("Deployment", "frame-sync"),
                pinned.get("Deployment", "teacher"),
                pinned.get("StatefulSet", "distiller"))) {
            assertThat(allContainers(workload))
                    .extracting(c -> c.path("image").asText())
                    .containsOnly("registry.example/edgevl@" + digest);
        }
        assertThat(pinned.get("FlinkDeployment", "stream-inference")
                        .at("/spec/image")
                        .asText())
                .isEqualTo("edgevl-flink:1.2.3");
    }

    @Test
    void theSyntheticTeacherIsTheCommittedOneUnlessAnotherIsPretrainedIntoTheModelVolume() {
        JsonNode teacher = chart.get("Deployment", "teacher");
        assertThat(podSpec(teacher).path("initContainers").isMissingNode())
                .as("the image carries the committed teacher")
                .isTrue();
        JsonNode serve = container(teacher, "teacher");
        assertThat(strings(serve.path("args"))).startsWith("teacher", "serve");
        Settings settings = chart.settingsOf("teacher", serve);
        assertThat(settings.raw("teacher.kind")).hasValue("synthetic");
        assertThat(settings.raw("teacher.path"))
                .as("unset: the committed teacher")
                .isEmpty();
        assertThat(serve.at("/resources/limits").has("nvidia.com/gpu")).isFalse();

        RenderedChart pretrained = RenderedChart.render(
                Map.of("teacher.model.pretrain.enabled", "true", "teacher.model.pretrain.seed", "7"));
        JsonNode other = pretrained.get("Deployment", "teacher");
        assertThat(strings(container(other, "pretrain").path("args")))
                .containsExactly(
                        "teacher",
                        "pretrain",
                        "--cache=/models",
                        "--seed=7",
                        "--scenes=8000",
                        "--epochs=9",
                        "--link=/models/pretrained");
        assertThat(pretrained.settingsOf("teacher", container(other, "teacher")).raw("teacher.path"))
                .hasValue("/models/pretrained");
    }

    @Test
    void theDistillerKeepsItsModelStoreOnAClaimAndReadsOnlyThePrivateKey() {
        JsonNode distiller = chart.get("StatefulSet", "distiller");
        JsonNode claim = distiller.at("/spec/volumeClaimTemplates/0");
        assertThat(claim.at("/metadata/name").asText()).isEqualTo("model-store");
        assertThat(claim.at("/spec/resources/requests/storage").asText()).isEqualTo("10Gi");
        assertThat(claim.at("/spec/storageClassName").isMissingNode())
                .as("the cluster's default class")
                .isTrue();

        JsonNode container = container(distiller, "distiller");
        assertThat(strings(container.path("args"))).startsWith("distill");
        Settings settings = chart.settingsOf("distiller", container);
        String store = settings.raw("distill.store.dir").orElseThrow();
        String key = settings.raw("distill.signing-key").orElseThrow();
        assertThat(mountOf(container, "model-store")).isEqualTo(store);
        assertThat(key).isEqualTo(mountOf(container, "signing-key") + "/signing-key.pem");

        JsonNode secret = volume(distiller, "signing-key").path("secret");
        assertThat(secret.path("secretName").asText()).isEqualTo("edgevl-signing");
        assertThat(secret.path("items").findValuesAsText("key"))
                .as("only the private key")
                .containsExactly("signing-key.pem");
        assertThat(settings.raw("distill.signing-public-key").orElseThrow())
                .as("the public half, from the trust volume")
                .isEqualTo(mountOf(container, "trusted-keys") + "/signing-key.pub.pem");
    }

    @Test
    void theFlinkJobIsAnApplicationDeploymentOfTheJobJar() {
        JsonNode flink = chart.get("FlinkDeployment", "stream-inference");
        JsonNode spec = flink.path("spec");
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
        assertThat(spec.path("serviceAccount").asText()).isEqualTo("flink");
        assertThat(spec.at("/job/jarURI").asText())
                .isEqualTo("local:///opt/flink/usrlib/edgevl-stream-inference-job.jar");
        assertThat(spec.at("/job/entryClass").asText()).isEqualTo("dev.edgevl.inference.StreamInferenceJob");
        assertThat(strings(spec.at("/job/args"))).containsExactly("--config", "/etc/edgevl/config/edgevl.properties");
        assertThat(spec.at("/job/parallelism").asInt()).isEqualTo(2);
        assertThat(spec.at("/job/upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(spec.at("/job/state").asText()).isEqualTo("running");

        JsonNode conf = spec.path("flinkConfiguration");
        conf.fields().forEachRemaining(e -> assertThat(e.getValue().isTextual())
                .as("%s is a string", e.getKey())
                .isTrue());
        assertThat(conf.path("execution.checkpointing.dir").asText()).isEqualTo("file:///flink-data/checkpoints");
        assertThat(conf.path("execution.checkpointing.savepoint-dir").asText())
                .isEqualTo("file:///flink-data/savepoints");
        assertThat(conf.path("state.backend.type").asText()).isEqualTo("hashmap");
        assertThat(conf.path("restart-strategy.type").asText()).isEqualTo("exponential-delay");
        assertThat(conf.path("restart-strategy.exponential-delay.max-backoff").asText())
                .isEqualTo("1min");
        assertThat(conf.path("taskmanager.numberOfTaskSlots").asText()).isEqualTo("2");
        assertThat(conf.has("high-availability.type")).isFalse();
        assertThat(spec.at("/jobManager/resource/memory").asText()).isEqualTo("1600m");
        assertThat(spec.at("/taskManager/resource/cpu").asDouble()).isEqualTo(2.0);

        JsonNode main = container(flink, "flink-main-container");
        Settings settings = chart.settingsOf("stream-inference", main);
        String trusted = settings.raw("inference.trusted-keys").orElseThrow();
        assertThat(trusted).isEqualTo(mountOf(main, "trusted-keys") + "/signing-key.pub.pem");
        assertThat(volume(flink, "trusted-keys").at("/secret/items").findValuesAsText("key"))
                .containsExactly("signing-key.pub.pem");
        assertThat(mountOf(main, "config")).isEqualTo("/etc/edgevl/config");
        assertThat(volume(flink, "config").at("/configMap/items/0/key").asText())
                .isEqualTo("stream-inference.properties");
        assertThat(KafkaSettings.clientProperties(settings, null))
                .containsEntry("bootstrap.servers", "kafka.example:9092");

        JsonNode fromConfigMap = RenderedChart.render(Map.of("signing.publicKeyConfigMap", "edgevl-trust"))
                .get("FlinkDeployment", "stream-inference");
        assertThat(volume(fromConfigMap, "trusted-keys").at("/configMap/name").asText())
                .isEqualTo("edgevl-trust");
    }

    @Test
    void theFleetSimulatorRunsAScenarioAndOptionallyTheDeviceAgents() {
        RenderedChart rendered = RenderedChart.render(Map.of(
                "fleetSimulator.enabled", "true", "fleetSimulator.scenario", "drift", "fleetSimulator.speed", "2"));
        JsonNode simulator = container(rendered.get("Deployment", "fleet-simulator"), "fleet-simulator");
        assertThat(strings(simulator.path("args")))
                .containsExactly(
                        "simulate", "--config=/etc/edgevl/config/edgevl.properties", "--scenario=drift", "--speed=2");
        assertThat(simulator.has("livenessProbe")).isFalse();

        RenderedChart agents = RenderedChart.render(Map.of(
                "fleetSimulator.enabled",
                "true",
                "fleetSimulator.agents.enabled",
                "true",
                "fleetSimulator.scenarioFile",
                "name: yard\ndevices: []\n"));
        JsonNode fleet = agents.get("Deployment", "fleet-simulator");
        JsonNode withAgents = container(fleet, "fleet-simulator");
        assertThat(strings(withAgents.path("args")))
                .contains(
                        "--scenario=/etc/edgevl/scenario/scenario.yaml",
                        "--agents",
                        "--trust=/etc/edgevl/trust/signing-key.pub.pem");
        Settings settings = agents.settingsOf("fleet-simulator", withAgents);
        assertThat(settings.raw("agent.trusted-keys")).hasValue("/etc/edgevl/trust/signing-key.pub.pem");
        assertThat(volume(fleet, "trusted-keys").at("/secret/items").findValuesAsText("key"))
                .containsExactly("signing-key.pub.pem");
        assertThat(agents.get("ConfigMap", "config").at("/data/scenario.yaml").asText())
                .isEqualTo("name: yard\ndevices: []\n");
    }

    @Test
    void everyPodIsAnnotatedForPrometheusOnThePortThatServesMetrics() {
        RenderedChart all = RenderedChart.render(Map.of("fleetSimulator.enabled", "true"));
        for (String[] pod : new String[][] {
            {"Deployment", "frame-sync"},
            {"Deployment", "teacher"},
            {"StatefulSet", "distiller"},
            {"Deployment", "fleet-simulator"}
        }) {
            JsonNode workload = all.get(pod[0], pod[1]);
            JsonNode annotations = workload.at("/spec/template/metadata/annotations");
            assertThat(annotations.path("prometheus.io/scrape").asText())
                    .as(pod[1])
                    .isEqualTo("true");
            assertThat(annotations.path("prometheus.io/path").asText())
                    .as(pod[1])
                    .isEqualTo(HealthServer.METRICS_PATH);
            int port = annotations.path("prometheus.io/port").asInt();
            assertThat(podSpec(workload)
                            .at("/containers/0/ports/0/containerPort")
                            .asInt())
                    .as(pod[1] + " serves /metrics on its health port")
                    .isEqualTo(port)
                    .isEqualTo(8080);
            assertThat(resolvedEnv(podSpec(workload).path("containers").get(0)))
                    .containsEntry("EDGEVL_HEALTH_PORT", "8080");
        }
        JsonNode flink = all.get("FlinkDeployment", "stream-inference").path("spec");
        assertThat(flink.at("/flinkConfiguration/metrics.reporter.prom.factory.class")
                        .asText())
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(flink.at("/flinkConfiguration/metrics.reporter.prom.port").asText())
                .isEqualTo("9249");
        assertThat(flink.at("/podTemplate/metadata/annotations/prometheus.io~1port")
                        .asText())
                .isEqualTo("9249");
        assertThat(all.has("PodMonitor", "metrics")).as("off unless asked for").isFalse();

        RenderedChart off = RenderedChart.render(Map.of("metrics.scrape", "false"));
        assertThat(off.get("Deployment", "frame-sync")
                        .at("/spec/template/metadata/annotations")
                        .has("prometheus.io/scrape"))
                .isFalse();
        assertThat(off.get("FlinkDeployment", "stream-inference")
                        .at("/spec/flinkConfiguration")
                        .has("metrics.reporter.prom.port"))
                .isFalse();

        JsonNode monitor = RenderedChart.render(
                        Map.of("metrics.podMonitor.enabled", "true", "metrics.podMonitor.labels.release", "prometheus"))
                .get("PodMonitor", "metrics");
        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
        assertThat(monitor.at("/spec/selector/matchLabels/app.kubernetes.io~1instance")
                        .asText())
                .isEqualTo(RenderedChart.RELEASE);
        assertThat(monitor.at("/spec/podMetricsEndpoints").findValuesAsText("path"))
                .containsOnly(HealthServer.METRICS_PATH);
    }

    static String mountOf(JsonNode container, String volume) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("name").asText().equals(volume)) {
                return mount.path("mountPath").asText();
            }
        }
        throw new AssertionError(
                "No mount of " + volume + " in " + container.path("name").asText());
    }

    static JsonNode volume(JsonNode workload, String name) {
        for (JsonNode volume : podSpec(workload).path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError(
                "No volume " + name + " in " + workload.at("/metadata/name").asText());
    }
}
