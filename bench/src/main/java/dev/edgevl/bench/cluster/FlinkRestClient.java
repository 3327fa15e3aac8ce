package dev.edgevl.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A Flink cluster's REST API, as much of it as submitting and watching a job needs: the overview, jars (upload, run,
 * delete) and jobs (state, exceptions, cancel). An answer other than the expected status is an {@link IOException}
 * carrying Flink's own error text.
 */
public final class FlinkRestClient {
    private static final Set<String> TERMINAL = Set.of("FINISHED", "CANCELED", "FAILED", "SUSPENDED");
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ObjectMapper json = new ObjectMapper();
    private final Supplier<String> baseUrl;
    private final Supplier<String> diagnostics;

    /**
     * @param baseUrl     the REST endpoint, e.g. {@code http://localhost:8081}
     * @param diagnostics what to add to the error when a job does not run (e.g. the tails of the processes' logs)
     */
    public FlinkRestClient(Supplier<String> baseUrl, Supplier<String> diagnostics) {
        this.baseUrl = baseUrl;
        this.diagnostics = diagnostics;
    }

    /** {@code GET /overview}: task managers, slots (total, available), jobs by state. */
    public JsonNode overview() throws IOException {
        return get("/overview");
    }

    /** {@code POST /jars/upload} (multipart, field {@code jarfile}); returns the jar's id on the cluster. */
    public String uploadJar(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("No jar at " + jar);
        }
        String boundary = "----edgevl-" + UUID.randomUUID();
        String fileName = jar.getFileName().toString().replaceAll("[\"\\r\\n]", "_");
        byte[] head = ("--" + boundary + "\r\n"
                        + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + fileName + "\"\r\n"
                        + "Content-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(uri("/jars/upload"))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.concat(
                        BodyPublishers.ofByteArray(head), BodyPublishers.ofFile(jar), BodyPublishers.ofByteArray(tail)))
                .build();
        JsonNode answer = send(request, "POST /jars/upload", 200);
        String filename = answer.path("filename").asText("");
        if (!"success".equals(answer.path("status").asText()) || filename.isEmpty()) {
            throw new IOException("Flink did not accept the jar " + jar + ": " + answer);
        }
        return Path.of(filename).getFileName().toString();
    }

    /**
     * {@code POST /jars/{id}/run}: runs the jar's {@code main} on the JobManager, which submits the job; returns the
     * job id.
     *
     * @param entryClass  the class whose {@code main} runs; null for the jar manifest's {@code Main-Class}
     * @param parallelism the job's default parallelism; 0 for the cluster's
     */
    public String runJar(String jarId, String entryClass, List<String> programArgs, int parallelism)
            throws IOException {
        ObjectNode body = json.createObjectNode();
        if (entryClass != null) {
            body.put("entryClass", entryClass);
        }
        body.putArray("programArgsList")
                .addAll(programArgs.stream()
                        .map(json.getNodeFactory()::textNode)
                        .toList());
        if (parallelism > 0) {
            body.put("parallelism", parallelism);
        }
        HttpRequest request = HttpRequest.newBuilder(uri("/jars/" + jarId + "/run"))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body.toString()))
                .build();
        JsonNode answer = send(request, "POST /jars/" + jarId + "/run", 200);
        String job = answer.path("jobid").asText("");
        if (job.isEmpty()) {
            throw new IOException("Flink ran the jar but returned no job id: " + answer);
        }
        return job;
    }

    /** {@code DELETE /jars/{id}}. */
    public void deleteJar(String jarId) throws IOException {
        send(HttpRequest.newBuilder(uri("/jars/" + jarId)).DELETE().build(), "DELETE /jars/" + jarId, 200);
    }

    /** {@code GET /jobs/{id}}: the job's state, its vertices and their states. */
    public JsonNode job(String jobId) throws IOException {
        return get("/jobs/" + jobId);
    }

    /**
     * For each metric name, the sum over every vertex and subtask of the job of the metrics whose id ends with
     * {@code "." + name} (operator metrics are {@code operator.group.name}); names no vertex has are left out. The REST
     * endpoint answers from a store it refreshes at most every {@code metrics.fetcher.update-interval}: call twice, that
     * far apart, for figures from after the first call. All figures of one answer come from one refresh.
     */
    public Map<String, Double> metricSums(String jobId, List<String> names) throws IOException {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (JsonNode vertex : job(jobId).path("vertices")) {
            String path = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode m : get(path)) {
                String id = m.path("id").asText();
                if (names.stream().anyMatch(n -> id.endsWith("." + n))) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            String query = URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8);
            for (JsonNode m : get(path + "?agg=sum&get=" + query)) {
                String id = m.path("id").asText();
                String name = id.substring(id.lastIndexOf('.') + 1);
                sums.merge(name, m.path("sum").asDouble(), Double::sum);
            }
        }
        return sums;
    }

    /** The job's state: {@code INITIALIZING}, {@code CREATED}, {@code RUNNING}, {@code CANCELED}, {@code FAILED}... */
    public String jobState(String jobId) throws IOException {
        return job(jobId).path("state").asText();
    }

    /** {@code GET /jobs/{id}/exceptions}: the root exception and the history. */
    public JsonNode jobExceptions(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/exceptions");
    }

    /** Waits until the job runs with every task running; throws when it ends or does not within {@code timeout}. */
    public void awaitJobRunning(String jobId, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode job = job(jobId);
            String state = job.path("state").asText();
            if (TERMINAL.contains(state)) {
                throw new IllegalStateException("The job " + jobId + " is " + state + " instead of running: "
                        + rootException(jobId) + "\n" + diagnostics.get());
            }
            boolean allRunning = "RUNNING".equals(state) && job.path("vertices").size() > 0;
            for (JsonNode v : job.path("vertices")) {
                allRunning &= "RUNNING".equals(v.path("status").asText());
            }
            if (allRunning) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The job " + jobId + " is " + state + " (not all tasks running) after "
                        + timeout.toSeconds() + " s\n" + diagnostics.get());
            }
            sleep(200);
        }
    }

    /** {@code PATCH /jobs/{id}?mode=cancel}, then waits (up to a minute) for the job to end; returns its final state. */
    public String cancelJob(String jobId) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .timeout(Duration.ofSeconds(30))
                .method("PATCH", BodyPublishers.noBody())
                .build();
        send(request, "PATCH /jobs/" + jobId + "?mode=cancel", 202);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            String state = jobState(jobId);
            if (TERMINAL.contains(state)) {
                return state;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The job " + jobId + " is still " + state + " a minute after cancel");
            }
            sleep(200);
        }
    }

    private String rootException(String jobId) {
        try {
            JsonNode ex = jobExceptions(jobId);
            JsonNode history = ex.path("exceptionHistory").path("entries");
            String root = history.size() > 0
                    ? history.get(0).path("stacktrace").asText()
                    : ex.path("root-exception").asText("");
            return root.length() > 6000 ? root.substring(0, 6000) + "..." : root;
        } catch (IOException | RuntimeException e) {
            return "(no exception: " + e + ")";
        }
    }

    private JsonNode get(String path) throws IOException {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                "GET " + path,
                200);
    }

    private URI uri(String path) {
        return URI.create(baseUrl.get() + path);
    }

    private JsonNode send(HttpRequest request, String what, int expected) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted during " + what, e);
        }
        String body = response.body() == null ? "" : response.body();
        if (response.statusCode() != expected) {
            String detail = body;
            try {
                JsonNode errors = json.readTree(body).path("errors");
                if (errors.isArray()) {
                    List<String> texts = new ArrayList<>();
                    errors.forEach(e -> texts.add(e.asText()));
                    detail = String.join("\n", texts);
                }
            } catch (IOException | RuntimeException ignored) {
                // not JSON: the body as it came
            }
            if (detail.length() > 8000) {
                detail = detail.substring(0, 8000) + "...";
            }
            throw new IOException(
                    "Flink's REST endpoint answered " + what + " with " + response.statusCode() + ": " + detail);
        }
        return body.isBlank() ? json.createObjectNode() : json.readTree(body);
    }

    /** Sleeps; an interrupt ends the wait with an exception (and keeps the thread's flag). */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
