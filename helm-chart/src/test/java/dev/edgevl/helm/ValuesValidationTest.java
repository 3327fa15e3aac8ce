package dev.edgevl.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Values the chart cannot use are refused by Helm, with a sentence naming the value to fix. */
class ValuesValidationTest {

    @Test
    void withoutBootstrapServersNothingRenders() {
        assertThatThrownBy(() ->
                        RenderedChart.renderExactly(Optional.empty(), Map.of("signing.secretName", "edgevl-signing")))
                .hasMessageContaining("kafka.bootstrapServers is required")
                .hasMessageContaining("--set kafka.bootstrapServers=");
    }

    @Test
    void theSigningSecretIsRequiredWhileAnythingSignsOrVerifies() {
        assertThatThrownBy(() ->
                        RenderedChart.renderExactly(Optional.empty(), Map.of("kafka.bootstrapServers", "kafka:9092")))
                .hasMessageContaining("signing.secretName is required");
        // Without the distiller, the job may take the public key from a ConfigMap alone.
        RenderedChart chart = RenderedChart.renderExactly(
                Optional.empty(),
                Map.of(
                        "kafka.bootstrapServers",
                        "kafka:9092",
                        "distiller.enabled",
                        "false",
                        "signing.publicKeyConfigMap",
                        "edgevl-trust"));
        assertThat(chart.kinds()).contains("FlinkDeployment").doesNotContain("StatefulSet");
    }

    @Test
    void combinationsThatCannotWorkAreNamed() {
        assertRefused(Map.of("serde.format", "confluent"), "serde.format=confluent needs schemaRegistry.url");
        assertRefused(
                Map.of("streamInference.upgradeMode", "last-state"),
                "needs streamInference.highAvailability.enabled=true");
        assertRefused(Map.of("streamInference.checkpoints.dir", ""), "streamInference.checkpoints.dir is required");
        assertRefused(
                Map.of("kafka.securityProtocol", "SASL_SSL"),
                "set kafka.sasl.username and kafka.sasl.passwordSecret.name");
        assertRefused(
                Map.of(
                        "kafka.securityProtocol",
                        "SASL_SSL",
                        "kafka.sasl.mechanism",
                        "OAUTHBEARER",
                        "kafka.sasl.username",
                        "u",
                        "kafka.sasl.passwordSecret.name",
                        "p"),
                "needs kafka.sasl.jaasConfigSecret");
        assertRefused(Map.of("kafka.tls.caSecret.name", "ca"), "use SSL or SASL_SSL");
    }

    @Test
    void theSchemaRefusesBadValuesBeforeAnythingRenders() {
        assertRefused(Map.of("serde.format", "avro"), "/serde/format");
        assertRefused(Map.of("kafka.sasl.services.jobmanager.username", "x"), "invalid propertyName 'jobmanager'");
        assertRefused(Map.of("kafka.securityProtocol", "TLS"), "/kafka/securityProtocol");
        assertRefused(Map.of("frameSync.replicas", "-1"), "/frameSync/replicas");
        assertRefused(Map.of("health.port", "70000"), "/health/port");
        assertRefused(Map.of("image.digest", "latest"), "/image/digest");
        assertRefused(Map.of("streamInference.upgradeMode", "last_state"), "/streamInference/upgradeMode");
        assertRefused(
                Map.of("streamInference.restartStrategy.fixedDelay.delay", "soon"),
                "/streamInference/restartStrategy/fixedDelay/delay");
        assertRefused(Map.of("teacher.kind", "clip"), "/teacher/kind");
        assertRefused(Map.of("distiller.store.size", "lots"), "/distiller/store/size");
        // Secrets belong in Secrets: kafka.properties refuses the keys that carry them.
        assertRefused(
                Map.of("kafka.properties.sasl\\.jaas\\.config", "secret"), "invalid propertyName 'sasl.jaas.config'");
        // A misspelt key is an error, not a silently ignored value.
        assertRefused(
                Map.of("kafka.bootstrapServer", "kafka:9092"), "additional properties 'bootstrapServer' not allowed");
        assertRefused(Map.of("frameSync.replica", "3"), "additional properties 'replica' not allowed");
    }

    private static void assertRefused(Map<String, String> sets, String expected) {
        Map<String, String> all = new LinkedHashMap<>(RenderedChart.REQUIRED);
        all.putAll(sets);
        assertThatThrownBy(() -> RenderedChart.renderExactly(Optional.empty(), all))
                .as("%s", sets)
                .hasMessageContaining(expected);
    }
}
