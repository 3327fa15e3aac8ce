package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.ModelVersion;
import dev.edgevl.distill.ModelCatalog;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.DevKeys;
import dev.edgevl.model.bundle.DirectoryModelStore;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgevl local} as a process of its own, killed with SIGKILL in the middle of a retraining round and started again
 * on the same data directory: no version is lost, nothing half-made is published (every {@code models} record verifies
 * and is in the distiller's catalogue with its bundle in the store), and the restarted loop trains a round to its end.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LocalKillIT {
    // The packaged jar and its lib/ (-Dedgevl.cli-jar): the test classpath of failsafe's forked JVM, handed to a child
    // JVM, crashed it in native code (exit 139) as the first model loaded.
    private static final Pattern UP = Pattern.compile("edgevl local is up\\. Kafka bootstrap: (\\S+)");

    @Test
    void killedMidRoundAndRestartedItLosesNoVersionAndPublishesNothingHalfMade(@TempDir Path dataDir) throws Exception {
        LocalProcess first = LocalProcess.start(dataDir);
        try {
            first.await(l -> l.contains("Retraining:"), Duration.ofMinutes(3));
            Thread.sleep(1_000); // in the middle of stage 1
            first.kill();
        } finally {
            first.kill();
        }
        assertThat(first.lines()).noneMatch(l -> l.contains("Round for student v1 done"));

        LocalProcess second = LocalProcess.start(dataDir);
        try {
            String bootstrap = second.await(l -> UP.matcher(l).find(), Duration.ofMinutes(2));
            Matcher up = UP.matcher(bootstrap);
            assertThat(up.find()).isTrue();
            assertThat(second.lines()).anyMatch(l -> l.contains("reused"));
            second.await(l -> l.contains("Round for student v") && l.contains(" done in "), Duration.ofMinutes(4));

            DevKeys keys = DevKeys.loadOrCreate(dataDir.resolve("keys"));
            BundleVerifier verifier = new BundleVerifier(keys.trustedKeys());
            DirectoryModelStore store = new DirectoryModelStore(dataDir.resolve("models"));
            List<ModelVersion> catalogued =
                    ModelCatalog.in(dataDir.resolve("models")).list("student");
            assertThat(catalogued).extracting(ModelVersion::getVersion).contains(0L);
            for (ModelVersion v : catalogued) {
                assertThat(store.contains(v.getSha256()))
                        .as("v%d's bundle in the store", v.getVersion())
                        .isTrue();
            }
            List<ModelVersion> published = new ArrayList<>();
            LoopRecords.readAll(
                    up.group(1),
                    Topics.MODELS.name(),
                    r -> published.add(AvroSerdes.singleObject()
                            .valueSerde(Topics.MODELS)
                            .deserializer()
                            .deserialize(r.topic(), r.value())));
            assertThat(published).as("models records").isNotEmpty();
            for (ModelVersion record : published) {
                verifier.verify(record); // inline, or by its file: URI into the store
                assertThat(catalogued)
                        .extracting(ModelVersion::getVersion)
                        .as("published v%d is catalogued", record.getVersion())
                        .contains(record.getVersion());
            }
            second.lines().stream()
                    .filter(l -> l.contains("Retraining:") || l.contains("Round for") || l.contains("round starts"))
                    .forEach(l -> System.out.println("restarted: " + l));
            System.out.printf(
                    "Killed mid-round and restarted: %d versions catalogued %s, %d models records, all verified.%n",
                    catalogued.size(),
                    catalogued.stream().map(ModelVersion::getVersion).toList(),
                    published.size());
        } finally {
            second.stop();
        }
    }

    /** One {@code edgevl local} JVM, its output (stdout and stderr) collected line by line. */
    private static final class LocalProcess {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        private LocalProcess(Process process) {
            this.process = process;
            Thread reader = new Thread(this::read, "local-output");
            reader.setDaemon(true);
            reader.start();
        }

        static LocalProcess start(Path dataDir) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx2g",
                    "-Dai.djl.offline=true",
                    "-cp",
                    classPath(),
                    Edgevl.class.getName(),
                    "local",
                    "--port",
                    "0",
                    "--data-dir",
                    dataDir.toString(),
                    "--scenario",
                    "default"));
            // Rounds due after a few dozen teacher pairs, short enough to finish within the test.
            Map.of(
                            "distill.trigger.samples", "80",
                            "distill.trigger.min-samples", "60",
                            "distill.stage1.epochs", "3",
                            "distill.stage2.steps", "30",
                            "inference.route.budget", "0.1")
                    .forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
            return new LocalProcess(
                    new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        /** The packaged command: {@code edgevl.jar} and every jar of the {@code lib/} beside it. */
        private static String classPath() {
            String jar = System.getProperty("edgevl.cli-jar");
            assertThat(jar)
                    .as("-Dedgevl.cli-jar (failsafe passes the packaged jar)")
                    .isNotNull();
            Path path = Path.of(jar);
            assertThat(path).as("the packaged edgevl.jar").exists();
            return path
                    + java.io.File.pathSeparator
                    + path.resolveSibling("lib").resolve("*");
        }

        private void read() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output ended: " + e + ")");
            }
        }

        /** The first line that matches, waiting for it. */
        String await(Predicate<String> match, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (String line : lines) {
                    if (match.test(line)) {
                        return line;
                    }
                }
                if (!process.isAlive()) {
                    throw new AssertionError(
                            "edgevl local exited with " + process.exitValue() + "; its output:\n" + tail());
                }
                Thread.sleep(200);
            }
            throw new AssertionError("No such line within " + timeout.toSeconds() + " s; output:\n" + tail());
        }

        List<String> lines() {
            return lines;
        }

        /** SIGKILL: no shutdown hook, no flush, as when the machine loses power. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** SIGTERM, as Ctrl-C would; SIGKILL if it has not stopped within a minute. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }

        private String tail() {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        }
    }
}
