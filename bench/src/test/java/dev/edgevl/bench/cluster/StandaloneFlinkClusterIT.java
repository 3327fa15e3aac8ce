package dev.edgevl.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.AnnotationStatus;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.kafka.embedded.UniqueNames;
import dev.edgevl.schemas.topics.TopicInstaller;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar on a real Flink cluster: a JobManager and two TaskManagers, each a process of its own started from
 * Maven Central's jars ({@link StandaloneFlinkCluster}); the jar uploaded and run over REST at parallelism 2 against
 * the embedded broker. Every pair comes out annotated exactly once (read committed, counted by device + sensor +
 * sequence), by the published model, and nothing more follows.
 *
 * <p>The job jar comes from {@code -Dedgevl.job-jar} (failsafe passes {@code stream-inference/target}'s, which the
 * reactor packages before this module): without it the test fails rather than skips.
 */
class StandaloneFlinkClusterIT {
    private static final int DEVICES = 6;
    private static final int PER_DEVICE = 50;
    private static final int TOTAL = DEVICES * PER_DEVICE;
    private static final String SENSOR = "depth0";
    private static final String PROBE_SENSOR = "probe0";

    @TempDir
    Path dir;

    /** What the test does to the cluster half-way through the pairs under test. */
    private interface Fault {
        Fault NONE = (cluster, job) -> {};

        void inflict(StandaloneFlinkCluster cluster, String job) throws Exception;
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theJobJarSubmittedOverRestAnnotatesEveryPairExactlyOnce() throws Exception {
        run(Fault.NONE, true);
    }

    /**
     * A TaskManager process killed (SIGKILL) half-way through, a fresh one started in its place: the job restarts from
     * its last checkpoint and every pair is still annotated exactly once at a {@code read_committed} consumer.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aTaskManagerProcessKilledMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        run(
                (cluster, job) -> {
                    long killed = System.nanoTime();
                    cluster.killTaskManager(0);
                    assertThat(cluster.liveTaskManagers()).containsExactly(1);
                    cluster.startTaskManager();
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (cluster.rest()
                            .jobExceptions(job)
                            .path("exceptionHistory")
                            .path("entries")
                            .isEmpty()) {
                        assertThat(System.nanoTime()).as("the job failed over").isLessThan(deadline);
                        Thread.sleep(200);
                    }
                    cluster.rest().awaitJobRunning(job, Duration.ofSeconds(120));
                    System.out.printf(
                            "TaskManager 0 killed; the job ran again on the new one %.1f s later.%n",
                            (System.nanoTime() - killed) / 1e9);
                },
                false);
    }

    /** @param countersReachRest whether to check the operator's counters over REST (a restart starts them again) */
    private void run(Fault fault, boolean countersReachRest) throws Exception {
        Path jobJar = ClusterBench.findJobJar();
        ClusterWorld world = new ClusterWorld(7);
        Path key = world.writePublicKey(dir.resolve("signing.pub.pem"));
        String run = UniqueNames.uniqueName("cluster-it");
        StandaloneFlinkCluster.Builder clusterBuilder =
                StandaloneFlinkCluster.builder().taskManagers(2).slotsPerTaskManager(1);
        String logs = System.getProperty("edgevl.flink-logs");
        if (logs != null) {
            clusterBuilder.parentDirectory(Path.of(logs)).keepLogs(true); // for a look after a failed CI run
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                KafkaProducer<byte[], byte[]> producer = ClusterWorld.producer(kafka.bootstrapServers())) {
            String bootstrap = kafka.bootstrapServers();
            TopicInstaller.ensureCatalogue(bootstrap);
            world.publishModelAndLabels(producer);
            try (StandaloneFlinkCluster cluster = clusterBuilder.start();
                    KafkaConsumer<byte[], byte[]> consumer =
                            ClusterWorld.annotationsFromNow(bootstrap, run + "-reader")) {
                annotateExactlyOnce(
                        cluster, consumer, producer, world, jobJar, bootstrap, key, run, fault, countersReachRest);
            }
        }
    }

    private static void annotateExactlyOnce(
            StandaloneFlinkCluster cluster,
            KafkaConsumer<byte[], byte[]> consumer,
            KafkaProducer<byte[], byte[]> producer,
            ClusterWorld world,
            Path jobJar,
            String bootstrap,
            Path key,
            String run,
            Fault fault,
            boolean countersReachRest)
            throws Exception {
        assertThat(cluster.classPath())
                .as("the cluster runs Flink from Maven Central's jars, never the project's code")
                .isNotEmpty()
                .noneMatch(p -> p.getFileName().toString().startsWith("edgevl"));

        String jar = cluster.rest().uploadJar(jobJar);
        String job =
                cluster.rest().runJar(jar, ClusterBench.JOB_MAIN, ClusterBench.jobArguments(bootstrap, key, 2, run), 2);
        cluster.rest().awaitJobRunning(job, Duration.ofSeconds(90));
        JsonNode overview = cluster.rest().overview();
        assertThat(overview.path("taskmanagers").asInt()).isEqualTo(2);
        assertThat(overview.path("slots-available").asInt())
                .as("parallelism 2 takes the slot of each TaskManager")
                .isZero();

        List<Annotation> out = new ArrayList<>();
        // A subtask annotates NO_MODEL until the model reaches it: a probe pair per device (a sensor of
        // its own) until every device's probe comes back OK, then the pairs under test.
        Set<String> ready = new HashSet<>();
        long probeDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int round = 0; ready.size() < DEVICES; round++) {
            assertThat(System.nanoTime())
                    .as("every device's subtask has the model")
                    .isLessThan(probeDeadline);
            for (int d = 0; d < DEVICES; d++) {
                if (!ready.contains(device(d))) {
                    ClusterWorld.send(
                            producer, world.pair(device(d), PROBE_SENSOR, round, Instant.now()), round, Instant.now());
                }
            }
            producer.flush();
            long roundEnd = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < roundEnd) {
                for (Annotation a : poll(consumer)) {
                    out.add(a);
                    if (a.getStatus() == AnnotationStatus.OK) {
                        ready.add(a.getDeviceId());
                    }
                }
            }
        }

        send(producer, world, 0, PER_DEVICE / 2);
        long halfway = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (underTest(out).size() < TOTAL / 4 && System.nanoTime() < halfway) {
            out.addAll(poll(consumer));
        }
        assertThat(underTest(out)).as("annotations before the fault").hasSizeGreaterThanOrEqualTo(TOTAL / 4);
        fault.inflict(cluster, job);
        send(producer, world, PER_DEVICE / 2, PER_DEVICE);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (underTest(out).stream().map(ClusterWorld::id).distinct().count() < TOTAL
                && System.nanoTime() < deadline) {
            out.addAll(poll(consumer));
        }
        // Anything written twice would be committed shortly after the last distinct one.
        long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < settle) {
            out.addAll(poll(consumer));
        }
        if (countersReachRest) {
            countersReachRest(cluster, job);
        }
        assertThat(cluster.rest().jobState(job)).isEqualTo("RUNNING");
        assertThat(cluster.rest().cancelJob(job)).isEqualTo("CANCELED");

        Map<String, Long> perPair =
                out.stream().collect(Collectors.groupingBy(ClusterWorld::id, Collectors.counting()));
        assertThat(perPair.values()).as("every annotation exactly once").containsOnly(1L);
        List<Annotation> annotated = underTest(out);
        assertThat(annotated.stream().map(ClusterWorld::id).collect(Collectors.toSet()))
                .as("every pair annotated")
                .hasSize(TOTAL)
                .isEqualTo(expectedIds());
        assertThat(annotated).allSatisfy(a -> {
            assertThat(a.getStatus()).isEqualTo(AnnotationStatus.OK);
            assertThat(a.getModelVersion()).isEqualTo(1L);
            assertThat(a.getModelFamily()).isEqualTo(ClusterWorld.FAMILY);
        });
        Map<String, Long> perDevice =
                annotated.stream().collect(Collectors.groupingBy(Annotation::getDeviceId, Collectors.counting()));
        assertThat(perDevice).hasSize(DEVICES).allSatisfy((d, n) -> assertThat(n)
                .isEqualTo(PER_DEVICE));
    }

    /** The operator's counters, summed over both subtasks, reach the REST API (refreshed every ten seconds). */
    private static void countersReachRest(StandaloneFlinkCluster cluster, String job) throws Exception {
        long metricsDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Double> counters = Map.of();
        while (counters.getOrDefault("annotations", 0.0) < TOTAL && System.nanoTime() < metricsDeadline) {
            counters = cluster.rest().metricSums(job, List.of("annotations", "modelNanos"));
            Thread.sleep(500);
        }
        assertThat(counters.getOrDefault("annotations", 0.0))
                .as("annotations counted")
                .isGreaterThanOrEqualTo(TOTAL);
        assertThat(counters.getOrDefault("modelNanos", 0.0))
                .as("model time counted")
                .isPositive();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, ClusterWorld world, int fromSeq, int toSeq) {
        for (int seq = fromSeq; seq < toSeq; seq++) {
            for (int d = 0; d < DEVICES; d++) {
                ClusterWorld.send(producer, world.pair(device(d), SENSOR, seq, Instant.now()), seq, Instant.now());
            }
        }
        producer.flush();
    }

    private static String device(int d) {
        return "dev-" + d;
    }

    private static Set<String> expectedIds() {
        Set<String> ids = new HashSet<>();
        for (int d = 0; d < DEVICES; d++) {
            for (int seq = 0; seq < PER_DEVICE; seq++) {
                ids.add(device(d) + "/" + SENSOR + "/" + seq);
            }
        }
        return ids;
    }

    private static List<Annotation> underTest(List<Annotation> all) {
        return all.stream().filter(a -> SENSOR.equals(a.getAuxSensorId())).toList();
    }

    private static List<Annotation> poll(KafkaConsumer<byte[], byte[]> consumer) {
        List<Annotation> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            out.add(ClusterWorld.decode(r));
        }
        return out;
    }
}
