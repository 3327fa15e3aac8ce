package dev.edgevl.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgevl.config.ConfigException;
import dev.edgevl.config.Settings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The endpoints as a kubelet calls them: real HTTP requests to a real port. */
class HealthServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicReference<Health> health =
            new AtomicReference<>(Health.notReady("REBALANCING", "waiting for partitions"));

    @Test
    void liveButNotReadyWhileStartingThenReadyThenDown() throws Exception {
        try (HealthServer server = loopback()) {
            assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(server, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            JsonNode body = JSON.readTree(ready.body());
            assertThat(body.get("service").asText()).isEqualTo("test service");
            assertThat(body.get("live").asBoolean()).isTrue();
            assertThat(body.get("ready").asBoolean()).isFalse();
            assertThat(body.get("state").asText()).isEqualTo("REBALANCING");
            assertThat(body.get("reason").asText()).isEqualTo("waiting for partitions");

            health.set(Health.ready("RUNNING", "processing"));
            assertThat(get(server, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(server, "/health").statusCode()).isEqualTo(200);

            health.set(Health.down("ERROR", "stopped on an error: boom"));
            HttpResponse<String> live = get(server, "/health/live");
            assertThat(live.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(live.body()).get("reason").asText()).contains("boom");
            assertThat(get(server, "/health/ready").statusCode()).isEqualTo(503);
        }
    }

    @Test
    void metricsAreTheProcesssMetersInPrometheusTextFormat() throws Exception {
        ServiceMetrics.counter("edgevl.test.things", "Things a test counted.", "kind", "round")
                .increment(3);
        try (HealthServer server = loopback()) {
            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue(ServiceMetrics.CONTENT_TYPE);
            PrometheusText text = PrometheusText.parse(metrics.body());
            assertThat(text.family("edgevl_test_things_total").orElseThrow().type())
                    .isEqualTo("counter");
            assertThat(text.sum("edgevl_test_things_total", Map.of("kind", "round")))
                    .isGreaterThanOrEqualTo(3.0);
            assertThat(text.families().keySet())
                    .as("the JVM's meters")
                    .contains("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds");
            HttpResponse<String> post = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void startingUntilACheckIsGiven() throws Exception {
        try (HealthServer server =
                HealthServer.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "test service")) {
            assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(server, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(ready.body()).get("state").asText()).isEqualTo("STARTING");
            server.watch(health::get);
            assertThat(JSON.readTree(get(server, "/health/ready").body())
                            .get("state")
                            .asText())
                    .isEqualTo("REBALANCING");
        }
    }

    @Test
    void aCheckThatThrowsIsReportedAsDown() throws Exception {
        try (HealthServer server = HealthServer.listen(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "test service")
                .watch(() -> {
                    throw new IllegalStateException("no state yet");
                })) {
            HttpResponse<String> live = get(server, "/health/live");
            assertThat(live.statusCode()).isEqualTo(503);
            assertThat(live.body()).contains("no state yet");
        }
    }

    @Test
    void unknownPathsAndMethodsAreRefused() throws Exception {
        try (HealthServer server = loopback()) {
            assertThat(get(server, "/health/lively").statusCode()).isEqualTo(404);
            assertThat(get(server, "/").statusCode()).isEqualTo(404);
            HttpResponse<String> post = http.send(
                    HttpRequest.newBuilder(uri(server, "/health/live"))
                            .POST(HttpRequest.BodyPublishers.ofString("x"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            HttpResponse<String> head = http.send(
                    HttpRequest.newBuilder(uri(server, "/health/live"))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void offByDefaultAndOnTheConfiguredPort() throws Exception {
        try (HealthServer off = HealthServer.start(Settings.empty(), "test service", health::get)) {
            assertThat(off.isOn()).isFalse();
            assertThat(off.port()).isZero();
        }
        int port = freePort();
        Settings settings = Settings.load(
                java.util.Optional.empty(), Map.of("EDGEVL_HEALTH_PORT", Integer.toString(port)), Map.of());
        try (HealthServer server = HealthServer.start(settings, "test service", health::get)) {
            assertThat(server.port()).isEqualTo(port);
            assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);

            assertThatThrownBy(() -> HealthServer.start(settings, "second service", health::get))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("health.port");
        }
        assertThatThrownBy(() ->
                        HealthServer.start(Settings.of(Map.of("health.port", "70000")), "test service", health::get))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("between 0 and 65535");
    }

    private HealthServer loopback() throws Exception {
        return HealthServer.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "test service")
                .watch(health::get);
    }

    private HttpResponse<String> get(HealthServer server, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(server, path))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(HealthServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
