package dev.edgevl.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.Rollout;
import dev.edgevl.eval.live.LiveEvent;
import dev.edgevl.eval.live.LiveReport;
import dev.edgevl.eval.live.TimePoint;
import dev.edgevl.health.ServiceMetrics;
import dev.edgevl.model.bundle.Rollouts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console on the JDK's HTTP server: the page ({@code /}), its state as JSON ({@code /api/state}) and as
 * server-sent events ({@code /events}, one {@code state} event every {@code console.update-interval}), each device's
 * latest frames as PNG ({@code /frames/DEVICE/rgb.png}, {@code .../aux.png}), the actions ({@code POST /api/labels},
 * {@code DELETE /api/labels/LABEL}, {@code POST /api/models/VERSION/promote} and {@code .../rollback}, each needing
 * {@code Authorization: Bearer} the {@code console.token}), uPlot from its WebJar, and the process's {@code /metrics}.
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESOURCES = "/dev/edgevl/console/";
    private static final String WEBJARS = "/META-INF/resources/webjars/";
    private static final int MAX_EVENT_STREAMS = 32;
    private static final long CACHE_MILLIS = 5_000;
    private static final Pattern FRAME = Pattern.compile("^/frames/([^/]+)/(rgb|aux)\\.png$");
    private static final Pattern MODEL_ACTION = Pattern.compile("^/api/models/v?(\\d+)/(promote|rollback)$");

    private final HttpServer server;
    private final ExecutorService executor;
    private final ConsoleConfig config;
    private final ConsoleFeed feed;
    private final ConsoleActions actions;
    private final String family;
    private final Supplier<LiveReport> accuracy;
    private final AtomicInteger streams = new AtomicInteger();
    private volatile boolean closed;
    private Object versionsCache = List.of();
    private long versionsAt;
    private Object accuracyCache;
    private long accuracyAt;

    /**
     * Serves the console at once.
     *
     * @param family   the model family whose versions and rollout the page shows
     * @param accuracy the live evaluator's report (accuracy against ground truth), or null where there is none
     * @throws IOException when the address cannot be bound
     */
    public static ConsoleServer start(
            ConsoleConfig config,
            ConsoleFeed feed,
            ConsoleActions actions,
            String family,
            Supplier<LiveReport> accuracy)
            throws IOException {
        return new ConsoleServer(config, feed, actions, family, accuracy);
    }

    private ConsoleServer(
            ConsoleConfig config,
            ConsoleFeed feed,
            ConsoleActions actions,
            String family,
            Supplier<LiveReport> accuracy)
            throws IOException {
        this.config = config;
        this.feed = feed;
        this.actions = actions;
        this.family = family;
        this.accuracy = accuracy;
        server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0);
        AtomicInteger threads = new AtomicInteger();
        // Each open page holds one thread for its event stream; the threads are daemons so they never keep the JVM.
        executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "edgevl-console-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.createContext("/metrics", ServiceMetrics::answer);
        server.start();
        LOG.info(
                "The web console is at {} ({}).",
                url(),
                config.readOnly() ? "read-only: console.token is not set" : "actions need console.token");
    }

    /** Where the page is, e.g. {@code http://127.0.0.1:8088/}. */
    public String url() {
        String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
        return "http://" + host + ":" + port() + "/";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            try {
                route(exchange, method, path);
            } catch (IllegalArgumentException e) {
                json(exchange, 400, Map.of("error", e.getMessage()));
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                LOG.warn("The console could not answer {} {}: {}", method, path, e.toString());
                json(exchange, 500, Map.of("error", String.valueOf(e.getMessage())));
            }
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws Exception {
        Matcher frame = FRAME.matcher(path);
        Matcher model = MODEL_ACTION.matcher(path);
        if (method.equals("GET") && (path.equals("/") || path.equals("/index.html"))) {
            resource(exchange, RESOURCES + "index.html", "text/html; charset=utf-8");
        } else if (method.equals("GET") && path.startsWith("/static/") && !path.contains("..")) {
            String name = path.substring("/static/".length());
            resource(exchange, RESOURCES + name, contentType(name));
        } else if (method.equals("GET") && path.startsWith("/webjars/") && !path.contains("..")) {
            String name = path.substring("/webjars/".length());
            resource(exchange, WEBJARS + name, contentType(name));
        } else if (method.equals("GET") && path.equals("/api/state")) {
            json(exchange, 200, state());
        } else if (method.equals("GET") && path.equals("/events")) {
            events(exchange);
        } else if (method.equals("GET") && frame.matches()) {
            picture(exchange, URLDecoder.decode(frame.group(1), StandardCharsets.UTF_8), frame.group(2));
        } else if (path.equals("/api/labels") && method.equals("POST")) {
            if (authorized(exchange)) {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                String label = body == null ? "" : body.path("label").asText("");
                json(exchange, 200, Map.of("message", actions.addLabel(checkedLabel(label))));
            }
        } else if (path.startsWith("/api/labels/") && method.equals("DELETE")) {
            if (authorized(exchange)) {
                String label = URLDecoder.decode(path.substring("/api/labels/".length()), StandardCharsets.UTF_8);
                json(exchange, 200, Map.of("message", actions.removeLabel(checkedLabel(label))));
            }
        } else if (model.matches() && method.equals("POST")) {
            if (authorized(exchange)) {
                long version = Long.parseLong(model.group(1));
                json(exchange, 200, Map.of("message", modelAction(version, model.group(2))));
            }
        } else {
            json(exchange, 404, Map.of("error", "No such page or action: " + method + " " + path + "."));
        }
    }

    private String modelAction(long version, String action) throws Exception {
        Optional<Long> live = feed.liveVersion(family);
        if (action.equals("promote")) {
            if (live.isPresent() && live.get() == version) {
                throw new IllegalArgumentException("v" + version + " is already live.");
            }
            return actions.promote(version);
        }
        if (live.isPresent() && version >= live.get()) {
            throw new IllegalArgumentException("v" + version + " is not earlier than the live v" + live.get()
                    + "; promote it to make a later version live.");
        }
        return actions.rollback(version);
    }

    private static String checkedLabel(String label) {
        String trimmed = label.trim();
        if (trimmed.isEmpty() || trimmed.length() > 100) {
            throw new IllegalArgumentException("A label is 1 to 100 characters, not '" + label + "'.");
        }
        return trimmed;
    }

    /** True when the request carries the token; answers 403 (read-only) or 401 (no or wrong token) otherwise. */
    private boolean authorized(HttpExchange exchange) throws IOException {
        if (config.readOnly()) {
            json(exchange, 403, Map.of("error", "The console is read-only: set console.token to allow actions."));
            return false;
        }
        String header = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"))
                .orElse("");
        String given = header.startsWith("Bearer ") ? header.substring("Bearer ".length()) : "";
        if (!MessageDigest.isEqual(
                given.getBytes(StandardCharsets.UTF_8), config.token().getBytes(StandardCharsets.UTF_8))) {
            json(exchange, 401, Map.of("error", "This action needs the console's token (console.token)."));
            return false;
        }
        return true;
    }

    private void events(HttpExchange exchange) throws IOException {
        if (streams.incrementAndGet() > MAX_EVENT_STREAMS) {
            streams.decrementAndGet();
            json(exchange, 503, Map.of("error", "Too many open consoles (" + MAX_EVENT_STREAMS + ")."));
            return;
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(("retry: 2000\n\n").getBytes(StandardCharsets.UTF_8));
            while (!closed) {
                String data = JSON.writeValueAsString(state());
                out.write(("event: state\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(config.every().toMillis());
            }
        } catch (IOException e) {
            // the page went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.decrementAndGet();
        }
    }

    private void picture(HttpExchange exchange, String device, String which) throws IOException {
        Optional<byte[]> png = feed.device(device)
                .map(ConsoleFeed.DeviceView::pair)
                .flatMap(pair -> FramePictures.png(which.equals("rgb") ? pair.getRgb() : pair.getAux()));
        if (png.isEmpty()) {
            json(exchange, 404, Map.of("error", "No " + which + " frame of " + device + " to show."));
            return;
        }
        send(exchange, 200, "image/png", png.get());
    }

    /** Everything the page shows, as one JSON object. */
    Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("time", Instant.now().toString());
        state.put("readOnly", config.readOnly());
        state.put("family", family);
        List<Map<String, Object>> devices = new ArrayList<>();
        for (ConsoleFeed.DeviceView d : feed.devices()) {
            devices.add(device(d));
        }
        state.put("devices", devices);
        ConsoleFeed.Throughput t = feed.throughput();
        Map<String, Object> throughput = new LinkedHashMap<>();
        throughput.put("annotationsPerSecond", t.annotationsPerSecond());
        throughput.put("routedShare", t.routedShare());
        throughput.put("p50Millis", t.p50Millis());
        throughput.put("p99Millis", t.p99Millis());
        state.put("throughput", throughput);
        state.put("labels", feed.labels());
        state.put("models", models());
        state.put("accuracy", accuracy());
        return state;
    }

    private Map<String, Object> device(ConsoleFeed.DeviceView d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.deviceId());
        String path = "/frames/" + java.net.URLEncoder.encode(d.deviceId(), StandardCharsets.UTF_8);
        FramePair pair = d.pair();
        Annotation a = d.annotation();
        if (pair != null) {
            m.put("auxImage", path + "/aux.png?seq=" + pair.getAux().getSequence());
            m.put(
                    "rgbImage",
                    pair.getRgb() == null
                            ? null
                            : path + "/rgb.png?seq=" + pair.getRgb().getSequence());
            m.put("modality", pair.getAux().getModality().name().toLowerCase(Locale.ROOT));
            m.put("sensor", pair.getAux().getSensorId());
        }
        if (a != null) {
            m.put("sequence", a.getAuxSequence());
            m.put("capture", ConsoleFeed.time(a.getCaptureTime()));
            m.put("version", a.getModelVersion());
            m.put("status", a.getStatus().name());
            m.put("top3", ConsoleFeed.top3(a.getTopK()));
            m.put("rgbTop3", ConsoleFeed.top3(a.getRgbTopK()));
            m.put("routed", a.getRoutedToTeacher());
        }
        m.put("teacherLabel", d.teacherLabel());
        DeviceStatus s = d.status();
        if (s != null) {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("health", s.getHealth().name());
            status.put("version", s.getModelVersion());
            status.put("lastReport", ConsoleFeed.time(s.getReportTime()));
            status.put("lastSwap", ConsoleFeed.time(s.getLastSwapTime()));
            status.put("framesAnnotated", s.getFramesAnnotated());
            status.put("lastError", s.getLastError());
            m.put("fleet", status);
        }
        m.put("canary", feed.inCanary(family, d.deviceId()));
        return m;
    }

    private Map<String, Object> models() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, ModelVersion> records = feed.models();
        ModelVersion live = records.get(family);
        ModelVersion canary = records.get(Rollouts.canaryKey(family));
        m.put("live", live == null ? null : version(live));
        if (canary != null && canary.getRollout() != null) {
            Rollout r = canary.getRollout();
            Map<String, Object> rollout = new LinkedHashMap<>();
            rollout.put("version", canary.getVersion());
            rollout.put("stage", r.getStage().name());
            rollout.put("share", r.getShare());
            rollout.put("canaryDevices", r.getCanaryDevices());
            rollout.put("knownDevices", r.getKnownDevices());
            rollout.put("description", Rollouts.describe(r));
            rollout.put("reason", r.getReason());
            m.put("rollout", rollout);
        } else {
            m.put("rollout", null);
        }
        m.put("versions", versions());
        return m;
    }

    private static Map<String, Object> version(ModelVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", v.getVersion());
        m.put("parent", v.getParentVersion());
        m.put("created", ConsoleFeed.time(v.getCreatedTime()));
        m.put("published", ConsoleFeed.time(v.getPublishedTime()));
        m.put("promoted", v.getMetrics().getOrDefault("gate.promoted", 0.0) == 1.0);
        m.put("agreement", v.getMetrics().get("gate.nonRgbAgreement"));
        m.put("sizeKb", v.getBundleSizeBytes() / 1024);
        return m;
    }

    private synchronized Object versions() {
        if (System.currentTimeMillis() - versionsAt > CACHE_MILLIS) {
            versionsAt = System.currentTimeMillis();
            try {
                versionsCache =
                        actions.versions().stream().map(ConsoleServer::version).toList();
            } catch (Exception e) {
                LOG.debug("The console could not list the versions: {}", e.toString());
            }
        }
        return versionsCache;
    }

    /** The accuracy timeline per modality (adaptive, frozen v0, teacher), and the events to mark; null without truth. */
    private synchronized Object accuracy() {
        if (accuracy == null) {
            return null;
        }
        if (accuracyAt == 0 || System.currentTimeMillis() - accuracyAt > CACHE_MILLIS) {
            accuracyAt = System.currentTimeMillis();
            LiveReport report = accuracy.get();
            if (report.matching().matched() == 0) {
                accuracyCache = null; // no ground truth has met an annotation: nothing to judge by
                return null;
            }
            List<Map<String, Object>> points = new ArrayList<>();
            for (TimePoint p : report.points()) {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("t", p.time().toEpochMilli() / 1000.0);
                point.put("framesPerSecond", p.framesPerSecond());
                point.put("routing", p.routingRate());
                point.put("p50", p.p50Ms());
                point.put("p99", p.p99Ms());
                point.put("version", p.modelVersion());
                for (Map.Entry<Modality, TimePoint.Judged> e : p.modalities().entrySet()) {
                    Map<String, Object> judged = new LinkedHashMap<>();
                    judged.put("adaptive", e.getValue().adaptive());
                    judged.put("frozen", e.getValue().frozen());
                    judged.put("teacher", e.getValue().teacher());
                    point.put(e.getKey().name().toLowerCase(Locale.ROOT), judged);
                }
                points.add(point);
            }
            List<Map<String, Object>> events = new ArrayList<>();
            for (LiveEvent e : report.events()) {
                events.add(Map.of(
                        "t", e.time().toEpochMilli() / 1000.0, "kind", e.kind().name(), "text", e.text()));
            }
            accuracyCache = Map.of("points", points, "events", events);
        }
        return accuracyCache;
    }

    private static String contentType(String name) {
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".png")) {
            return "image/png";
        }
        return "application/octet-stream";
    }

    private static void resource(HttpExchange exchange, String name, String type) throws IOException {
        try (InputStream in = ConsoleServer.class.getResourceAsStream(name)) {
            if (in == null) {
                json(exchange, 404, Map.of("error", "No such file."));
                return;
            }
            send(exchange, 200, type, in.readAllBytes());
        }
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
