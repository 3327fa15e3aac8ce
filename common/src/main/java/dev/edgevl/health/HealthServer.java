package dev.edgevl.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.edgevl.config.ConfigException;
import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.Settings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two HTTP endpoints for an orchestrator's probes, on the JDK's own HTTP server: {@code GET /health/live} and
 * {@code GET /health/ready} answer 200 when the service is live (ready), 503 when not, with a JSON body saying
 * why, e.g. {@code {"service":"frame sync","live":true,"ready":false,"state":"REBALANCING","reason":"..."}}.
 * {@code /health} gives the same body with the readiness status code. {@code GET /metrics} answers the process's
 * meters in Prometheus's text format ({@link ServiceMetrics}).
 *
 * <p>Off unless {@code health.port} is set: several services may share one JVM locally ({@code edgevl local}),
 * and a pod runs one service, so the Helm chart sets the port.
 */
public final class HealthServer implements AutoCloseable {
    public static final ConfigOption<Integer> PORT = ConfigOption.integer(
            "health.port",
            0,
            "TCP port of the /health/live and /health/ready endpoints and of /metrics (Prometheus's text format), on all"
                    + " interfaces; 0 = no endpoint.");

    public static final List<ConfigOption<?>> OPTIONS = List.of(PORT);

    public static final String LIVE_PATH = "/health/live";
    public static final String READY_PATH = "/health/ready";
    public static final String HEALTH_PATH = "/health";
    public static final String METRICS_PATH = "/metrics";

    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;
    private final String service;
    private volatile Supplier<Health> check;

    private HealthServer(HttpServer server, ExecutorService executor, String service) {
        this.server = server;
        this.executor = executor;
        this.service = service;
        this.check = () -> Health.notReady("STARTING", service + " is starting.");
    }

    /** An endpoint that is not there, for services started without {@code health.port}. */
    public static HealthServer off() {
        return new HealthServer(null, null, "nothing");
    }

    /**
     * Serves the health endpoints on {@code health.port} when it is set, else returns {@link #off()}. Until
     * {@link #watch} gives it a check, the service is live and not ready ("starting"), so a service can open its
     * endpoint before its slow start (loading a model, restoring state) and bind the check once it exists.
     *
     * @param service what is checked, in the body's sentences ("frame sync")
     * @throws ConfigException when the port is out of range or cannot be bound
     */
    public static HealthServer start(Settings settings, String service) {
        int port = settings.get(PORT);
        PORT.check(port >= 0 && port <= 65_535, "must be between 0 and 65535, not " + port);
        if (port == 0) {
            return off();
        }
        try {
            return listen(new InetSocketAddress(port), service);
        } catch (IOException e) {
            throw new ConfigException(
                    "Cannot serve the health endpoints of " + service + " on port " + port + " (" + PORT.key() + "): "
                            + e.getMessage() + ". Is another process using the port?",
                    e);
        }
    }

    /** {@link #start(Settings, String)} with its check at once. */
    public static HealthServer start(Settings settings, String service, Supplier<Health> check) {
        return start(settings, service).watch(check);
    }

    /** Serves the endpoints at {@code address}; port 0 there picks a free port (see {@link #port()}). */
    public static HealthServer listen(InetSocketAddress address, String service) throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        // One daemon thread: probes are rare and cheap, and a forgotten endpoint must not keep the JVM alive.
        ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "health-endpoint");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        HealthServer endpoint = new HealthServer(server, executor, service);
        server.createContext(LIVE_PATH, exchange -> endpoint.answer(exchange, Health::live));
        server.createContext(READY_PATH, exchange -> endpoint.answer(exchange, Health::ready));
        server.createContext(HEALTH_PATH, exchange -> endpoint.answer(exchange, Health::ready));
        server.createContext(METRICS_PATH, ServiceMetrics::answer);
        server.start();
        LOG.info(
                "Health endpoints of {} at http://{}:{}{} and {}, its metrics at {}.",
                service,
                address.getHostString(),
                server.getAddress().getPort(),
                LIVE_PATH,
                READY_PATH,
                METRICS_PATH);
        return endpoint;
    }

    /** From now on the endpoints answer what {@code check} says; returns this. */
    public HealthServer watch(Supplier<Health> check) {
        this.check = Objects.requireNonNull(check, "check");
        return this;
    }

    /** The bound port; 0 when off. */
    public int port() {
        return server == null ? 0 : server.getAddress().getPort();
    }

    public boolean isOn() {
        return server != null;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            LOG.debug("Health endpoints of {} closed.", service);
        }
    }

    private void answer(HttpExchange exchange, Predicate<Health> up) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals(exchange.getHttpContext().getPath())) {
                send(
                        exchange,
                        404,
                        Map.of(
                                "error",
                                "No such endpoint: " + path + ". Try " + LIVE_PATH + " or " + READY_PATH + "."));
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, Map.of("error", "Only GET and HEAD, not " + method + "."));
                return;
            }
            Health health;
            try {
                health = check.get();
            } catch (RuntimeException e) {
                // A check that throws says nothing good about the service; report it rather than hide it.
                health = Health.down("UNKNOWN", "The health check of " + service + " failed: " + e);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("service", service);
            body.put("live", health.live());
            body.put("ready", health.ready());
            body.put("state", health.state());
            body.put("reason", health.reason());
            send(exchange, up.test(health) ? 200 : 503, body);
        }
    }

    private static void send(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = json(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static byte[] json(Map<String, ?> body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return ("{\"error\":\"" + e.getClass().getSimpleName() + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
