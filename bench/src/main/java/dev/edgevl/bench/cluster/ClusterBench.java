package dev.edgevl.bench.cluster;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.AnnotationStatus;
import dev.edgevl.avro.FramePair;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.kafka.embedded.UniqueNames;
import dev.edgevl.schemas.topics.TopicInstaller;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The stream job's throughput on a real Flink cluster: an embedded broker holding a signed model, ten labels and a
 * backlog of frame pairs; a {@link StandaloneFlinkCluster} (a JobManager and two TaskManagers, each a process with
 * one slot); the shaded job jar uploaded and run over REST at parallelism 1, cancelled, then run again at parallelism
 * 2 (a fresh frame-source group, transactional-id prefix and reader, so it re-reads the whole backlog). Each run is
 * timed like {@code InferenceBench}'s: annotations read with {@code read_committed} from the first to the last.
 */
public final class ClusterBench {
    /** System property naming the job jar; {@link #findJobJar()} looks elsewhere without it. */
    public static final String JOB_JAR_PROPERTY = "edgevl.job-jar";
    /** The job jar's entry point. */
    public static final String JOB_MAIN = "dev.edgevl.inference.StreamInferenceJob";
    /** Where {@code cli/target} keeps the job jar (beside {@code edgevl.jar} and {@code lib/}). */
    public static final String DISTRIBUTION_DIR = "flink-job";

    private static final int DEVICES = 8;
    private static final int TEMPLATES = 256;

    private ClusterBench() {}

    /**
     * Runs the benchmark; returns {@code clusterParallelism1FramesPerSecond}, {@code clusterParallelism2FramesPerSecond}
     * and {@code clusterParallelism2Over1}.
     *
     * @param jobJar  the stream-inference job jar ({@link #findJobJar()})
     * @param backlog pairs written before each run, all of which each run annotates
     * @param log     a sentence per step
     */
    public static Map<String, Double> run(Path jobJar, int backlog, Consumer<String> log) throws Exception {
        if (!Files.isRegularFile(jobJar)) {
            throw new IllegalArgumentException("No job jar at " + jobJar);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("The backlog must hold at least one pair, got " + backlog);
        }
        ClusterWorld world = new ClusterWorld(1);
        List<FramePair> templates = new ArrayList<>();
        for (int i = 0; i < TEMPLATES; i++) {
            templates.add(world.pair("dev-" + (i % DEVICES), "depth0", i, Instant.now()));
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        Path keyFile = world.writePublicKey(Files.createTempFile("edgevl-cluster-bench-key", ".pub.pem"));
        log.accept("Starting an embedded Kafka broker...");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                KafkaProducer<byte[], byte[]> producer = ClusterWorld.producer(kafka.bootstrapServers())) {
            TopicInstaller.ensureCatalogue(kafka.bootstrapServers());
            log.accept("Publishing a signed model and ten labels...");
            world.publishModelAndLabels(producer);
            log.accept(String.format("Writing a backlog of %,d pairs to frames.paired...", backlog));
            for (int i = 0; i < backlog; i++) {
                ClusterWorld.send(producer, templates.get(i % templates.size()), i, Instant.now());
            }
            producer.flush();
            log.accept("Starting a Flink standalone cluster: a JobManager and two TaskManagers (one slot each), each a"
                    + " process of its own...");
            long start = System.nanoTime();
            try (StandaloneFlinkCluster cluster =
                    StandaloneFlinkCluster.builder().taskManagers(2).start()) {
                log.accept(String.format(
                        "The cluster is up at %s after %.1f s; uploading the job jar (%,d MB) over REST...",
                        cluster.restUrl(), (System.nanoTime() - start) / 1e9, Files.size(jobJar) >> 20));
                long upload = System.nanoTime();
                String jarId = cluster.rest().uploadJar(jobJar);
                log.accept(String.format("Uploaded in %.1f s.", (System.nanoTime() - upload) / 1e9));
                for (int parallelism : List.of(1, 2)) {
                    double rate =
                            timeOneRun(cluster, jarId, kafka.bootstrapServers(), keyFile, parallelism, backlog, log);
                    figures.put("clusterParallelism" + parallelism + "FramesPerSecond", rate);
                }
                cluster.rest().deleteJar(jarId);
            }
        } finally {
            Files.deleteIfExists(keyFile);
        }
        figures.put(
                "clusterParallelism2Over1",
                figures.get("clusterParallelism2FramesPerSecond") / figures.get("clusterParallelism1FramesPerSecond"));
        log.accept(describe(figures));
        return figures;
    }

    /** The figures in a sentence. */
    public static String describe(Map<String, Double> figures) {
        return String.format(
                "the job jar on a Flink standalone cluster (JobManager + 2 TaskManagers as processes): %.0f frames/s at"
                        + " parallelism 1, %.0f at parallelism 2 (%.2fx)",
                figures.get("clusterParallelism1FramesPerSecond"),
                figures.get("clusterParallelism2FramesPerSecond"),
                figures.get("clusterParallelism2Over1"));
    }

    /**
     * The job's arguments for one run: its own group and transactional ids; engine threads per instance are the job's
     * default for the parallelism.
     */
    static List<String> jobArguments(String bootstrap, Path keyFile, int parallelism, String run) {
        return List.of(
                "--bootstrap",
                bootstrap,
                "--set",
                "inference.trusted-keys=" + keyFile.toAbsolutePath(),
                "--set",
                "inference.parallelism=" + parallelism,
                "--set",
                "inference.checkpoint.interval=500ms",
                "--set",
                "inference.group-id=" + run,
                "--set",
                "inference.transactional-id-prefix=" + run);
    }

    private static double timeOneRun(
            StandaloneFlinkCluster cluster,
            String jarId,
            String bootstrap,
            Path keyFile,
            int parallelism,
            int backlog,
            Consumer<String> log)
            throws Exception {
        String run = UniqueNames.uniqueName("cluster-bench-p" + parallelism);
        try (KafkaConsumer<byte[], byte[]> annotations = ClusterWorld.annotationsFromNow(bootstrap, run + "-reader")) {
            log.accept(String.format(
                    "Parallelism %d: running the job jar over REST, then reading %,d annotations...",
                    parallelism, backlog));
            String job = cluster.rest()
                    .runJar(jarId, JOB_MAIN, jobArguments(bootstrap, keyFile, parallelism, run), parallelism);
            Drained drained = drain(annotations, backlog, Duration.ofSeconds(120 + backlog / 10), cluster, job);
            String state = cluster.rest().cancelJob(job);
            log.accept(String.format(
                    "Parallelism %d: %,d annotations, %.0f frames/s from the first to the last%s; the job is %s.",
                    parallelism,
                    drained.count,
                    drained.rate,
                    drained.noModel > 0
                            ? String.format(
                                    " (%,d NO_MODEL, read before the model reached their subtask, left out of the rate)",
                                    drained.noModel)
                            : "",
                    state.toLowerCase(java.util.Locale.ROOT)));
            return drained.rate;
        }
    }

    record Drained(int count, int noModel, double rate) {}

    /**
     * Reads annotations until {@code count} distinct pairs have one. The rate counts the {@code OK} ones from the first
     * poll that returned one to the last poll, as {@code InferenceBench} times it: the pairs a subtask reads before the
     * model reaches it (a subtask that started before the model was written) come out {@code NO_MODEL} (no inference:
     * cheap) and are left out of the rate. Fails
     * early when the job fails.
     */
    static Drained drain(
            KafkaConsumer<byte[], byte[]> consumer,
            int count,
            Duration timeout,
            StandaloneFlinkCluster cluster,
            String job)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextCheck = System.nanoTime();
        long first = 0;
        int firstBatch = 0;
        int ok = 0;
        int noModel = 0;
        Set<String> seen = new HashSet<>();
        while (seen.size() < count) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException("only " + seen.size() + " of " + count + " annotations arrived within "
                        + timeout.toSeconds() + " s\n" + cluster.logTails(40));
            }
            if (now > nextCheck) {
                String state = cluster.rest().jobState(job);
                if (Set.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                    throw new IllegalStateException("The job " + job + " is " + state + " after " + seen.size() + " of "
                            + count + " annotations: " + cluster.rest().jobExceptions(job) + "\n"
                            + cluster.logTails(40));
                }
                nextCheck = now + Duration.ofSeconds(5).toNanos();
            }
            int okBefore = ok;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                Annotation a = ClusterWorld.decode(r);
                if (seen.add(ClusterWorld.id(a))) {
                    if (a.getStatus() == AnnotationStatus.OK) {
                        ok++;
                    } else if (a.getStatus() == AnnotationStatus.NO_MODEL) {
                        noModel++;
                    }
                }
            }
            if (ok > okBefore && first == 0) {
                first = System.nanoTime();
                firstBatch = ok - okBefore;
            }
        }
        double seconds = (System.nanoTime() - first) / 1e9;
        return new Drained(seen.size(), noModel, (ok - firstBatch) / seconds);
    }

    /**
     * The stream-inference job jar: the file named by {@value #JOB_JAR_PROPERTY}; else the newest jar in
     * {@value #DISTRIBUTION_DIR}/ beside the directory holding this class's jar (the {@code edgevl} command's layout:
     * {@code cli/target/edgevl.jar}, {@code lib/}, {@code flink-job/}); else
     * {@code stream-inference/target/edgevl-stream-inference-*-job.jar} under the working directory or its parent.
     */
    public static Path findJobJar() {
        String property = System.getProperty(JOB_JAR_PROPERTY);
        if (property != null && !property.isBlank()) {
            Path jar = Path.of(property);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("-D" + JOB_JAR_PROPERTY + "=" + property + " names no file. "
                        + "Build the job jar with ./mvnw -B -pl stream-inference -am package -DskipTests.");
            }
            return jar;
        }
        List<Path> looked = new ArrayList<>();
        Optional<Path> code = codeLocation();
        if (code.isPresent()) {
            Path dir = Files.isDirectory(code.get()) ? code.get() : code.get().getParent();
            List<Path> dirs = new ArrayList<>();
            if (dir.getParent() != null) {
                dirs.add(dir.getParent().resolve(DISTRIBUTION_DIR));
            }
            dirs.add(dir.resolve(DISTRIBUTION_DIR));
            for (Path d : dirs) {
                looked.add(d.resolve("*.jar"));
                Optional<Path> jar = newest(d, "*.jar");
                if (jar.isPresent()) {
                    return jar.get();
                }
            }
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path base : cwd.getParent() == null ? List.of(cwd) : List.of(cwd, cwd.getParent())) {
            Path target = base.resolve("stream-inference").resolve("target");
            looked.add(target.resolve("edgevl-stream-inference-*-job.jar"));
            Optional<Path> jar = newest(target, "edgevl-stream-inference-*-job.jar");
            if (jar.isPresent()) {
                return jar.get();
            }
        }
        throw new IllegalStateException("No stream-inference job jar found; looked for " + looked
                + ". Build it with ./mvnw -B -pl stream-inference -am package -DskipTests (the cli's package puts it in"
                + " cli/target/" + DISTRIBUTION_DIR + "/), or name it with -D" + JOB_JAR_PROPERTY + "=PATH.");
    }

    private static Optional<Path> codeLocation() {
        try {
            CodeSource source = ClusterBench.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            return Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> newest(Path dir, String glob) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        var matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> Files.isRegularFile(f) && matcher.matches(f.getFileName()))
                    .max(Comparator.comparing(f -> f.toFile().lastModified()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Runs the benchmark once: {@code [BACKLOG]} (3000 by default), the job jar from {@link #findJobJar()}. */
    public static void main(String[] args) throws Exception {
        int backlog = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Path jar = findJobJar();
        System.out.println("Job jar: " + jar);
        Map<String, Double> figures = run(jar, backlog, System.out::println);
        figures.forEach((k, v) -> System.out.printf("%s = %.2f%n", k, v));
    }
}
