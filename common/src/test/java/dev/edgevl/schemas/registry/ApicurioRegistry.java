package dev.edgevl.schemas.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry with in-memory storage, run from the zip that Maven unpacks before the
 * integration tests, as a child JVM on a free loopback port. Its Confluent-compatible API is what
 * {@link #url()} returns.
 */
public final class ApicurioRegistry implements AutoCloseable {

    static final String DIR_PROPERTY = "edgevl.it.apicurio.dir";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final int LOG_TAIL_CHARS = 6000;

    private final Process process;
    private final Path log;
    private final URI url;
    private final Thread reaper;

    private ApicurioRegistry(Process process, Path log, URI url) {
        this.process = process;
        this.log = log;
        this.url = url;
        // A test JVM that dies without close() must not leave a registry running behind it.
        this.reaper = new Thread(process::destroyForcibly, "apicurio-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    public static ApicurioRegistry start() {
        String dirProperty = System.getProperty(DIR_PROPERTY);
        if (dirProperty == null || dirProperty.isBlank()) {
            throw new IllegalStateException("System property " + DIR_PROPERTY + " is not set; it names the"
                    + " unpacked Apicurio Registry that Maven prepares. Run the integration tests through"
                    + " 'mvn verify' (e.g. mvn -pl schemas verify), not directly from the IDE without it.");
        }
        Path dir = Path.of(dirProperty);
        Path jar = runnerJar(dir);
        int port = freePort();
        Path log = dir.toAbsolutePath().getParent().resolve("apicurio-" + port + ".log");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-jar",
                jar.toString());
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(jar.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Apicurio Registry from " + jar, e);
        }
        ApicurioRegistry registry =
                new ApicurioRegistry(process, log, URI.create("http://127.0.0.1:" + port + "/apis/ccompat/v7"));
        try {
            registry.awaitReady();
        } catch (RuntimeException | Error e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** The base URL of the Confluent-compatible API. */
    public URI url() {
        return url;
    }

    private static Path runnerJar(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(DIR_PROPERTY + "=" + dir + " is not a directory; the"
                    + " pre-integration-test unpack of apicurio-registry-app did not run. Use 'mvn verify'.");
        }
        try (Stream<Path> files = Files.walk(dir, 4)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "No *-runner.jar under " + dir + "; the Apicurio zip's layout may have changed."));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url + "/subjects"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                        + " before it answered " + probe.uri() + "; its output (" + log + ") ends with:\n" + logTail());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
            }
            sleep(250);
        }
        throw new IllegalStateException("Apicurio Registry did not answer " + probe.uri() + " with 200 within "
                + STARTUP_TIMEOUT.toSeconds() + " s; its output (" + log + ") ends with:\n" + logTail());
    }

    private String logTail() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() <= LOG_TAIL_CHARS ? text : "..." + text.substring(text.length() - LOG_TAIL_CHARS);
        } catch (IOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // Already shutting down; the hook does the same thing.
        }
    }
}
