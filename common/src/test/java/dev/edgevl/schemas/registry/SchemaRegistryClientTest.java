package dev.edgevl.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {

    private static final Schema FRAME = SchemaBuilder.record("Frame")
            .namespace("dev.edgevl.test")
            .fields()
            .requiredString("sensor")
            .requiredLong("ts")
            .endRecord();
    private static final String FRAME_REPLY = "{\"schema\":" + quoted(FRAME.toString()) + "}";

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    @Test
    void retriesA503AndReturnsTheLaterSuccess() {
        StubRegistry registry = stub().reply(503, "{\"error_code\":50301,\"message\":\"leader election in progress\"}")
                .reply(200, "{\"id\":7}");

        int id = client(fast(registry.url())).register("frames-value", FRAME);

        assertThat(id).isEqualTo(7);
        assertThat(registry.requests()).hasSize(2).allSatisfy(r -> assertThat(r.path())
                .isEqualTo("/subjects/frames-value/versions"));
    }

    @Test
    void retries429And408AndHonoursAShortRetryAfter() {
        StubRegistry registry = stub().reply(
                        429, "{\"error_code\":42901,\"message\":\"slow down\"}", Map.of("Retry-After", "0"))
                .reply(408, "")
                .reply(200, "[\"a\",\"b\"]");

        assertThat(client(fast(registry.url())).subjects()).containsExactly("a", "b");
        assertThat(registry.requests()).hasSize(3);
    }

    @Test
    void givesUpAfterTheConfiguredRetriesWithTheLastAnswer() {
        StubRegistry registry = stub();
        for (int i = 0; i < 3; i++) {
            registry.reply(500, "{\"error_code\":50001,\"message\":\"storage is down\"}");
        }
        SchemaRegistryClient client =
                client(fastBuilder(registry.url()).maxRetries(2).build());

        assertThatThrownBy(() -> client.subjects()).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(500);
            assertThat(e.errorCode()).isEqualTo(50001);
            assertThat(e.registryMessage()).isEqualTo("storage is down");
            assertThat(e.getMessage()).contains("storage is down", "after all retries");
        });
        assertThat(registry.requests()).hasSize(3);
    }

    @Test
    void doesNotRetryA422AndReportsTheRegistrysOwnWords() {
        StubRegistry registry =
                stub().reply(422, "{\"error_code\":42201,\"message\":\"Invalid schema: unknown type 'strng'\"}");
        SchemaRegistryClient client = client(fast(registry.url()));

        assertThatThrownBy(() -> client.register("frames/value", FRAME))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(422);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_SCHEMA);
                    assertThat(e.registryMessage()).isEqualTo("Invalid schema: unknown type 'strng'");
                    assertThat(e.url()).isEqualTo(URI.create(registry.url() + "/subjects/frames%2Fvalue/versions"));
                    assertThat(e.getMessage())
                            .contains(
                                    "HTTP 422",
                                    "error_code 42201",
                                    "Invalid schema: unknown type 'strng'",
                                    e.url().toString());
                });
        assertThat(registry.requests()).hasSize(1);
    }

    @Test
    void keepsAPlainTextErrorBodyAsTheMessage() {
        StubRegistry registry = stub().reply(400, "Not able to deserialize data provided.");
        SchemaRegistryClient client = client(fast(registry.url()));

        assertThatThrownBy(() -> client.setCompatibility("s", CompatibilityLevel.FULL))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_ERROR_CODE);
                    assertThat(e.registryMessage()).isEqualTo("Not able to deserialize data provided.");
                });
    }

    @Test
    void failsOverToTheNextUrlWhenTheFirstRefusesConnections() throws IOException {
        StubRegistry registry = stub().reply(200, "{\"id\":3}").reply(200, "{\"id\":4}");
        SchemaRegistryClient client = client(RegistryConfig.builder()
                .urls(List.of(refusingUrl(), registry.url()))
                .retryBackoff(Duration.ofSeconds(30))
                .build());

        long started = System.nanoTime();
        assertThat(client.register("a-value", FRAME)).isEqualTo(3);
        assertThat(client.register("b-value", FRAME)).isEqualTo(4);

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("fail-over must not wait for the backoff")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(registry.requests()).hasSize(2);
    }

    @Test
    void reportsUnreachableWhenNoUrlAnswers() throws IOException {
        URI dead = refusingUrl();
        SchemaRegistryClient client = client(fastBuilder(dead).maxRetries(1).build());

        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_STATUS);
            assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_ERROR_CODE);
            assertThat(e.getMessage()).contains("Could not reach", dead.toString(), "after 2 attempts");
            assertThat(e.getCause()).isInstanceOf(IOException.class);
        });
    }

    @Test
    void sendsBasicAuthAndTheRegistryMediaType() {
        StubRegistry registry = stub().reply(200, "{\"id\":1}");
        client(fastBuilder(registry.url()).basicAuth("fleet:s3cr:et").build()).register("s", FRAME);

        StubRegistry.Request request = registry.requests().get(0);
        assertThat(request.header("Authorization"))
                .isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString("fleet:s3cr:et".getBytes(StandardCharsets.UTF_8)));
        assertThat(request.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.header("Accept")).startsWith("application/vnd.schemaregistry.v1+json");
        assertThat(request.body()).isEqualTo("{\"schema\":" + quoted(FRAME.toString()) + "}");
    }

    @Test
    void sendsABearerToken() {
        StubRegistry registry = stub().reply(200, "[]");
        client(fastBuilder(registry.url()).bearerToken("eyJ.token").build()).subjects();

        assertThat(registry.requests().get(0).header("Authorization")).isEqualTo("Bearer eyJ.token");
    }

    @Test
    void sendsNoAuthorizationWhenNoneIsConfigured() {
        StubRegistry registry = stub().reply(200, "[]");
        client(fast(registry.url())).subjects();

        assertThat(registry.requests().get(0).header("Authorization")).isNull();
    }

    @Test
    void asksTheServerForAnIdOnlyOnce() {
        StubRegistry registry = stub().reply(200, FRAME_REPLY);
        SchemaRegistryClient client = client(fast(registry.url()));

        Schema first = client.schemaById(42);
        Schema second = client.schemaById(42);

        assertThat(first).isEqualTo(FRAME).isSameAs(second);
        assertThat(registry.requests()).extracting(StubRegistry.Request::path).containsExactly("/schemas/ids/42");
    }

    @Test
    void registersEachSubjectAndSchemaOnceAndLetsIdOfUseTheResult() {
        StubRegistry registry = stub().reply(200, "{\"id\":9}").reply(200, "{\"id\":9}");
        SchemaRegistryClient client = client(fast(registry.url()));

        assertThat(client.register("frames-value", FRAME)).isEqualTo(9);
        assertThat(client.register("frames-value", new Schema.Parser().parse(FRAME.toString())))
                .isEqualTo(9);
        assertThat(client.idOf("frames-value", FRAME)).isEqualTo(9);
        assertThat(client.register("other-value", FRAME)).isEqualTo(9);

        assertThat(registry.requests())
                .extracting(StubRegistry.Request::path)
                .containsExactly("/subjects/frames-value/versions", "/subjects/other-value/versions");
    }

    @Test
    void idOfLooksUpWithoutRegistering() {
        StubRegistry registry = stub().reply(200, "{\"subject\":\"s\",\"id\":5,\"version\":2,\"schema\":\"...\"}");

        assertThat(client(fast(registry.url())).idOf("s", FRAME)).isEqualTo(5);
        assertThat(registry.requests().get(0).method()).isEqualTo("POST");
        assertThat(registry.requests().get(0).path()).isEqualTo("/subjects/s");
    }

    @Test
    void forgetsTheLeastRecentlyUsedIdBeyondTheCapacity() {
        StubRegistry registry = stub().reply(200, FRAME_REPLY)
                .reply(200, FRAME_REPLY)
                .reply(200, FRAME_REPLY)
                .reply(200, FRAME_REPLY);
        SchemaRegistryClient client =
                client(fastBuilder(registry.url()).cacheCapacity(2).build());

        client.schemaById(1);
        client.schemaById(2);
        client.schemaById(1);
        client.schemaById(3);
        client.schemaById(1);
        client.schemaById(2);

        assertThat(registry.requests())
                .extracting(StubRegistry.Request::path)
                .containsExactly("/schemas/ids/1", "/schemas/ids/2", "/schemas/ids/3", "/schemas/ids/2");
    }

    @Test
    void refusesASchemaIdThatIsNotAvro() {
        StubRegistry registry =
                stub().reply(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");

        assertThatThrownBy(() -> client(fast(registry.url())).schemaById(8))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("schema id 8 is PROTOBUF");
    }

    @Test
    void treatsAMissingSubjectAsCompatibleButNotABare404() {
        StubRegistry registry = stub().reply(
                        404, "{\"error_code\":40401,\"message\":\"Subject 'new-value' not found.\"}")
                .reply(200, "{\"is_compatible\":false}")
                .reply(404, "<html>Not Found</html>");
        SchemaRegistryClient client = client(fast(registry.url()));

        assertThat(client.isCompatible("new-value", FRAME)).isTrue();
        assertThat(client.isCompatible("old-value", FRAME)).isFalse();
        assertThatThrownBy(() -> client.isCompatible("old-value", FRAME))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.getMessage())
                        .contains("HTTP 404", "registry.url"));
        assertThat(registry.requests().get(1).path()).isEqualTo("/compatibility/subjects/old-value/versions/latest");
    }

    @Test
    void fallsBackToTheGlobalLevelWhenTheSubjectHasNone() {
        StubRegistry registry = stub().reply(
                        404,
                        "{\"error_code\":40408,\"message\":\"Subject 's' does not have subject-level"
                                + " compatibility configured\"}")
                .reply(200, "{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}")
                .reply(200, "{\"compatibilityLevel\":\"forward\"}");
        SchemaRegistryClient client = client(fast(registry.url()));

        assertThat(client.compatibility("s")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(client.compatibility("t")).isEqualTo(CompatibilityLevel.FORWARD);
        assertThat(registry.requests())
                .extracting(StubRegistry.Request::path)
                .containsExactly("/config/s?defaultToGlobal=true", "/config", "/config/t?defaultToGlobal=true");
    }

    @Test
    void setsTheLevelWithPutAndReadsTheEcho() {
        StubRegistry registry = stub().reply(200, "{\"compatibility\":\"BACKWARD\"}");

        assertThat(client(fast(registry.url())).setCompatibility("frames value", CompatibilityLevel.BACKWARD))
                .isEqualTo(CompatibilityLevel.BACKWARD);
        StubRegistry.Request request = registry.requests().get(0);
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.path()).isEqualTo("/config/frames%20value");
        assertThat(request.body()).isEqualTo("{\"compatibility\":\"BACKWARD\"}");
    }

    @Test
    void keepsABasePathSuchAsApicuriosCcompat() {
        StubRegistry registry = stub().reply(200, "[]");

        client(fast(URI.create(registry.url() + "/apis/ccompat/v7/"))).subjects();

        assertThat(registry.requests().get(0).path()).isEqualTo("/apis/ccompat/v7/subjects");
    }

    @Test
    void explainsA200ThatIsNotTheRegistryApi() {
        StubRegistry registry = stub().reply(200, "<html>login</html>");

        assertThatThrownBy(() -> client(fast(registry.url())).register("s", FRAME))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(200);
                    assertThat(e.getMessage()).contains("not JSON", "<html>login</html>", "Confluent-compatible");
                });
    }

    @Test
    void servesManyThreadsAtOnce() throws Exception {
        StubRegistry registry = stub().reply(200, FRAME_REPLY);
        SchemaRegistryClient client = client(fast(registry.url()));
        client.schemaById(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Schema>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                results.add(pool.submit(() -> client.schemaById(1)));
            }
            for (Future<Schema> result : results) {
                assertThat(result.get()).isEqualTo(FRAME);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.requests()).hasSize(1);
    }

    @Test
    void refusesCallsAfterClose() {
        StubRegistry registry = stub();
        SchemaRegistryClient client = client(fast(registry.url()));
        client.close();

        assertThatThrownBy(client::subjects).isInstanceOf(IllegalStateException.class);
        assertThat(registry.requests()).isEmpty();
    }

    private StubRegistry stub() {
        StubRegistry registry = StubRegistry.http();
        open.add(registry);
        return registry;
    }

    private SchemaRegistryClient client(RegistryConfig config) {
        SchemaRegistryClient client = new SchemaRegistryClient(config);
        open.add(client);
        return client;
    }

    private static RegistryConfig fast(URI url) {
        return fastBuilder(url).build();
    }

    private static RegistryConfig.Builder fastBuilder(URI url) {
        return RegistryConfig.builder()
                .urls(List.of(url))
                .retryBackoff(Duration.ofMillis(5))
                .requestTimeout(Duration.ofSeconds(5));
    }

    /** A loopback port that was free a moment ago and now has nobody listening. */
    private static URI refusingUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
