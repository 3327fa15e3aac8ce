package dev.edgevl.bench.inference;

import ai.djl.engine.Engine;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.bench.BenchResult;
import dev.edgevl.bench.cluster.ClusterBench;
import dev.edgevl.bench.cluster.FlinkRestClient;
import dev.edgevl.config.Settings;
import dev.edgevl.inference.InferenceConfig;
import dev.edgevl.inference.LocalFlink;
import dev.edgevl.inference.StreamInferenceJob;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The stream job against the bare student, in one run on this machine (targets: docs/targets.md). Every part runs the
 * student the distiller ships first (the built-in int8 v0) with the same ONNX Runtime threads (one per core):
 * <ol>
 *   <li>bare: the job's per-record work (decode, preprocess, the student in batches of 32, labels, routing, the output
 *       records encoded) in a loop on one thread, each stage timed, after a warm-up; then the same at batch 1;</li>
 *   <li>sink: what writing one annotation to the broker costs (an idempotent producer without compression, as the
 *       job's sink, but not transactional);</li>
 *   <li>the job end to end on an embedded broker and MiniCluster (parallelism 1, exactly-once) through a backlog of
 *       pairs, its output read {@code read_committed}; and the DJL way, a per-record DJL {@code Predictor} in a Flink
 *       {@code map} through the same source, broker and exactly-once sink. Each works through the backlog twice, in
 *       the order job, DJL, job, DJL: the first passes give the cold figures (from the first committed annotation to
 *       the last), the second ones are timed over their second half, in a JVM that has compiled what both run (as the
 *       bare loop's warm-up does for it); the job's task thread per stage from its operator's counters (Flink's REST
 *       API);</li>
 *   <li>latency at half the job's rate, during its second pass, after as long again three times over at that rate
 *       unmeasured (the JIT compiler's warm-up for the writer, the readers and the broker's live paths): capture →
 *       visible at a consumer of the exactly-once {@code frames.annotated} ({@code read_committed}) and of the same
 *       topic {@code read_uncommitted}, the at-least-once path; then the same at a quarter of the rate.</li>
 * </ol>
 */
public final class InferenceBench {
    static final int DEVICES = 8;
    private static final String DJL_TOPIC = "bench.djl-annotated";
    private static final String SINK_TOPIC = "bench.sink";
    private static final Duration CHECKPOINT = Duration.ofMillis(500);
    /** The latency runs' warm-up at their rate, in multiples of the measured seconds. */
    private static final int LATENCY_WARMUP_TIMES = 3;

    private InferenceBench() {}

    /**
     * @param clusterBacklog pairs for each run on the standalone cluster; 0 leaves the cluster out
     * @param overrides settings of the job under test, over the bench's own
     */
    public static BenchResult run(
            int backlog, double seconds, int clusterBacklog, Map<String, String> overrides, Consumer<String> log)
            throws Exception {
        // DJL's ONNX Runtime engine insists on creating the process's one ORT environment itself; the project's own
        // sessions share whichever exists, so DJL goes first.
        Engine.getEngine("OnnxRuntime");
        // Found first: a missing job jar used to end the run after every other figure was measured, and lose them.
        Path jobJar = clusterBacklog > 0 ? ClusterBench.findJobJar() : null;
        Random random = new Random(1);
        KeyPair keys = Keys.generate();
        ModelVersion model = BenchFleet.model(keys);
        Map<String, float[]> labelVectors = BenchFleet.labels(random);
        List<FramePair> pairs = BenchFleet.pairs(random, 256, DEVICES);
        List<byte[]> encoded = pairs.stream().map(BenchFleet::encode).toList();
        Map<String, Double> figures = new LinkedHashMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        Settings jobSettings = jobSettings(overrides);
        // One thread budget for all: what the job gives its one instance here (inference.engine.threads).
        InferenceConfig jobConfig = InferenceConfig.from(jobSettings);
        int threads = jobConfig.engineThreads(cores, 1);
        int batch = jobConfig.batchSize();
        figures.put("engineThreads", (double) threads);
        figures.put("batchSize", (double) batch);

        try (LiveModel live = LiveModel.load(model, new BundleVerifier(TrustedKeys.of(keys.getPublic())), threads)) {
            BareStudent bare = new BareStudent(live, LabelSet.of(labelVectors));
            log.accept(String.format(
                    "Bare student (%s), the job's per-record work, batches of %d (the job's) then of 1: %.0f s warm-up and"
                            + " %.0f s each...",
                    live, batch, seconds, seconds));
            BareStudent.Figures batched = bare.run(encoded, batch, seconds);
            BareStudent.Figures single = bare.run(encoded, 1, seconds);
            figures.put("bareBatchedFramesPerSecond", batched.framesPerSecond());
            figures.put("barePerRecordFramesPerSecond", single.framesPerSecond());
            figures.put("batchedOverPerRecord", batched.framesPerSecond() / single.framesPerSecond());
            batched.microsPerFrame().forEach((stage, micros) -> figures.put("stage." + stage + "Micros", micros));
        }

        Path keyFile = Files.createTempFile("edgevl-bench-key", ".pub.pem");
        Files.writeString(keyFile, Keys.toPem(keys.getPublic()));
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                KafkaProducer<byte[], byte[]> producer = BenchFleet.producer(kafka.bootstrapServers())) {
            String bootstrap = kafka.bootstrapServers();
            TopicInstaller.ensureCatalogue(bootstrap);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(
                                List.of(new NewTopic(DJL_TOPIC, 6, (short) 1), new NewTopic(SINK_TOPIC, 6, (short) 1)))
                        .all()
                        .get();
            }
            figures.put("stage.sinkMicros", sinkMicros(producer, pairs.size()));
            BenchFleet.publish(producer, model, labelVectors);
            log.accept(String.format("Writing a backlog of %,d pairs to %s...", backlog, Topics.FRAMES_PAIRED.name()));
            for (int i = 0; i < backlog; i++) {
                BenchFleet.send(producer, pairs.get(i % pairs.size()), i, Instant.now());
            }
            producer.flush();

            try (LocalFlink flink = LocalFlink.start(1, 2)) {
                // Each job works through the backlog twice, the DJL job's first pass between the job's two, so that
                // both are timed in a JVM that has compiled the Flink and Kafka code they share: in one pass each, the
                // job went first and the DJL job ran on the code the job's pass had just compiled.
                Settings job = jobSettings.with(InferenceConfig.TRUSTED_KEYS.key(), keyFile.toString());
                log.accept(
                        "The job end to end (embedded broker, MiniCluster, parallelism 1, exactly-once), first pass...");
                Run jobCold = run(
                        flink, bootstrap, Topics.FRAMES_ANNOTATED.name(), backlog, env -> job(env, job, bootstrap, 1));
                flink.cancel(jobCold.job());
                log.accept(
                        "The DJL way: a per-record DJL Predictor in a Flink map, same backlog, source and sink, first"
                                + " pass...");
                Run djlCold =
                        run(flink, bootstrap, DJL_TOPIC, backlog, env -> djl(env, bootstrap, labelVectors, threads, 1));
                flink.cancel(djlCold.job());
                log.accept("The job, second pass (timed)...");
                Run jobWarm = run(
                        flink, bootstrap, Topics.FRAMES_ANNOTATED.name(), backlog, env -> job(env, job, bootstrap, 2));
                double jobRate = jobWarm.drained().warmRate();
                jobStages(flink, jobWarm.job()).forEach((stage, micros) -> figures.put("job." + stage, micros));
                figures.put("jobFramesPerSecond", jobRate);
                figures.put("jobColdFramesPerSecond", jobCold.drained().coldRate());
                figures.put("jobOverBare", jobRate / figures.get("bareBatchedFramesPerSecond"));

                double rate = jobRate / 2;
                // The live rate brings the writer, both readers and the broker's fetch paths into play, whose code the
                // JVM has not compiled yet: measured at once, the JIT compiler took half a core throughout and p99 was
                // three to five times its steady value. So the same rate runs first, unmeasured.
                double warmup = LATENCY_WARMUP_TIMES * seconds;
                log.accept(String.format(
                        "Latency: pairs written live at %.0f/s (half the job's rate), %.0f s of warm-up, then %.0f s read"
                                + " at consumers...",
                        rate, warmup, seconds));
                LatencyProbe.run(bootstrap, producer, pairs, rate, warmup, backlog + 200_000_000L);
                figures.put("latencyWarmupSeconds", warmup);
                LatencyProbe.Result latency = LatencyProbe.run(bootstrap, producer, pairs, rate, seconds, backlog);
                figures.put("latencyRateFramesPerSecond", rate);
                figures.put("liveP50Millis", latency.live().p50Ms());
                figures.put("liveP99Millis", latency.live().p99Ms());
                figures.put("committedP50Millis", latency.committed().p50Ms());
                figures.put("committedP99Millis", latency.committed().p99Ms());
                // Where the live figure goes: capture -> annotated in the operator; the rest is sink, broker, consumer.
                figures.put("annotatedP50Millis", latency.live().madeP50Ms());
                figures.put("annotatedP99Millis", latency.live().madeP99Ms());
                figures.put("checkpointIntervalMillis", (double) CHECKPOINT.toMillis());
                // The same at a quarter of the rate: the writer on the same cores costs less there.
                log.accept(String.format("Latency again at %.0f/s (a quarter of the job's rate)...", rate / 2));
                LatencyProbe.Result quarter =
                        LatencyProbe.run(bootstrap, producer, pairs, rate / 2, seconds, backlog + 100_000_000L);
                figures.put("quarterRateLiveP50Millis", quarter.live().p50Ms());
                figures.put("quarterRateLiveP99Millis", quarter.live().p99Ms());
                figures.put("quarterRateCommittedP99Millis", quarter.committed().p99Ms());
                flink.cancel(jobWarm.job());

                log.accept("The DJL job, second pass (timed)...");
                Run djlWarm =
                        run(flink, bootstrap, DJL_TOPIC, backlog, env -> djl(env, bootstrap, labelVectors, threads, 2));
                flink.cancel(djlWarm.job());
                double djlRate = djlWarm.drained().warmRate();
                figures.put("djlPerRecordFramesPerSecond", djlRate);
                figures.put("djlPerRecordColdFramesPerSecond", djlCold.drained().coldRate());
                figures.put("batchedOverDjlPerRecord", jobRate / djlRate);
            }
        } finally {
            Files.deleteIfExists(keyFile);
        }
        String sentence = sentence(figures);
        if (clusterBacklog > 0) {
            log.accept("The job jar on a Flink standalone cluster (a JobManager and two TaskManager processes)...");
            Map<String, Double> cluster = ClusterBench.run(jobJar, clusterBacklog, log);
            figures.putAll(cluster);
            sentence += "; " + ClusterBench.describe(cluster);
        }
        return new BenchResult("inference", sentence, figures);
    }

    static Settings jobSettings(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(InferenceConfig.PARALLELISM.key(), "1");
        settings.put(InferenceConfig.CHECKPOINT_INTERVAL.key(), CHECKPOINT.toMillis() + "ms");
        settings.putAll(overrides);
        return Settings.of(settings);
    }

    private static String sentence(Map<String, Double> f) {
        return String.format(
                "bare student %.0f frames/s in batches of %.0f vs %.0f per record (%.1fx); per frame decode %.0f, preprocess %.0f,"
                        + " model %.0f, post-process %.0f, serialise %.0f, sink %.0f us; the job end to end %.0f frames/s"
                        + " (%.2f of bare; %.0f over the whole backlog, from a cold start), its task thread per frame:"
                        + " decode %.0f, preprocess %.0f, model %.0f, post-process %.0f, emit %.0f us; a per-record DJL"
                        + " Predictor job"
                        + " %.0f frames/s (batched job %.1fx); at %.0f"
                        + " frames/s capture->visible p50/p99: live %.0f/%.0f ms (annotated in the operator at %.0f/%.0f"
                        + " ms), committed %.0f/%.0f ms (checkpoints every %.0f ms); at a quarter of the rate live"
                        + " %.0f/%.0f ms, committed p99 %.0f ms",
                f.get("bareBatchedFramesPerSecond"),
                f.get("batchSize"),
                f.get("barePerRecordFramesPerSecond"),
                f.get("batchedOverPerRecord"),
                f.get("stage.decodeMicros"),
                f.get("stage.preprocessMicros"),
                f.get("stage.modelMicros"),
                f.get("stage.postprocessMicros"),
                f.get("stage.serialiseMicros"),
                f.get("stage.sinkMicros"),
                f.get("jobFramesPerSecond"),
                f.get("jobOverBare"),
                f.get("jobColdFramesPerSecond"),
                f.getOrDefault("job.decodeMicros", Double.NaN),
                f.getOrDefault("job.preprocessMicros", Double.NaN),
                f.getOrDefault("job.modelMicros", Double.NaN),
                f.getOrDefault("job.postprocessMicros", Double.NaN),
                f.getOrDefault("job.emitMicros", Double.NaN),
                f.get("djlPerRecordFramesPerSecond"),
                f.get("batchedOverDjlPerRecord"),
                f.get("latencyRateFramesPerSecond"),
                f.get("liveP50Millis"),
                f.get("liveP99Millis"),
                f.get("annotatedP50Millis"),
                f.get("annotatedP99Millis"),
                f.get("committedP50Millis"),
                f.get("committedP99Millis"),
                f.get("checkpointIntervalMillis"),
                f.get("quarterRateLiveP50Millis"),
                f.get("quarterRateLiveP99Millis"),
                f.get("quarterRateCommittedP99Millis"));
    }

    /** Microseconds per record for a producer like the job's sink writing annotation-sized records, after a warm-up. */
    private static double sinkMicros(KafkaProducer<byte[], byte[]> producer, int count) throws Exception {
        byte[] value = new byte[1_600]; // an annotation: two 128-float embeddings, top-3 twice, ids and times
        new Random(2).nextBytes(value);
        for (int round = 0; ; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < 20 * count; i++) {
                producer.send(new ProducerRecord<>(SINK_TOPIC, null, BenchFleet.bytes("dev-" + (i % DEVICES)), value));
            }
            producer.flush();
            if (round == 1) {
                return (System.nanoTime() - start) / 1e3 / (20 * count);
            }
        }
    }

    /**
     * What a drain measured: the rate over the second half of the backlog (the job warmed up: its JIT-compiled code, the
     * ONNX Runtime session's first runs, the Kafka clients' buffers) and the rate from the first record to the last.
     */
    record Drained(double warmRate, double coldRate) {}

    /** A job submitted, and what reading its output through the backlog measured. */
    record Run(JobID job, Drained drained) {}

    /** Builds a job into a fresh environment and returns its name. */
    interface JobBuilder {
        String build(StreamExecutionEnvironment env) throws Exception;
    }

    /** Submits a job, then reads {@code topic} until the job has written {@code count} records there. */
    static Run run(LocalFlink flink, String bootstrap, String topic, int count, JobBuilder builder) throws Exception {
        try (KafkaConsumer<byte[], byte[]> reader =
                BenchFleet.readerFromNow(bootstrap, topic, "inference-bench-" + UUID.randomUUID())) {
            StreamExecutionEnvironment env = LocalFlink.environment(1, 0, Duration.ofSeconds(1));
            JobID job = flink.submit(env, builder.build(env));
            return new Run(job, drain(reader, topic, count, Duration.ofMinutes(5)));
        }
    }

    /**
     * Microseconds per annotation in each stage of the job's task thread, from the operator's counters over the pass
     * so far ({@code decodeMicros} … {@code emitMicros}); empty when Flink's REST endpoint does not answer.
     */
    private static Map<String, Double> jobStages(LocalFlink flink, JobID job) {
        Map<String, Double> out = new LinkedHashMap<>();
        try {
            String base = flink.restAddress().toString().replaceAll("/+$", "");
            FlinkRestClient rest = new FlinkRestClient(() -> base, () -> "");
            List<String> names = List.of(
                    "annotations", "decodeNanos", "preprocessNanos", "modelNanos", "postprocessNanos", "emitNanos");
            rest.metricSums(job.toString(), names); // asks for a refresh
            Thread.sleep(1_500);
            Map<String, Double> sums = rest.metricSums(job.toString(), names);
            double annotations = sums.getOrDefault("annotations", 0.0);
            if (annotations > 0) {
                for (String name : names.subList(1, names.size())) {
                    out.put(name.replace("Nanos", "Micros"), sums.getOrDefault(name, 0.0) / 1e3 / annotations);
                }
            }
        } catch (Exception e) {
            // the figures are extra: the bench goes on without them
        }
        return out;
    }

    /** The job, as a pass of its own: its own consumer group and transactional ids, so it reads the backlog again. */
    static String job(StreamExecutionEnvironment env, Settings settings, String bootstrap, int pass) {
        String id = "bench-job-" + pass;
        StreamInferenceJob.build(
                env,
                settings.with(InferenceConfig.GROUP_ID.key(), id)
                        .with(InferenceConfig.TRANSACTIONAL_ID_PREFIX.key(), id),
                bootstrap);
        return StreamInferenceJob.NAME;
    }

    private static String djl(
            StreamExecutionEnvironment env, String bootstrap, Map<String, float[]> labels, int threads, int pass) {
        DjlPerRecordJob.build(
                env,
                bootstrap,
                BenchFleet.productionOnnx(),
                labels,
                threads,
                CHECKPOINT.toMillis(),
                DJL_TOPIC,
                "bench-djl-" + pass);
        return DjlPerRecordJob.NAME;
    }

    /**
     * Reads until {@code count} records have arrived. Both rates are timed at the reader, from poll to poll, so each
     * end falls on a commit of the exactly-once sink.
     */
    static Drained drain(KafkaConsumer<byte[], byte[]> consumer, String topic, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long first = 0;
        int firstBatch = 0;
        long warm = 0;
        int seenWhenWarm = 0;
        int seen = 0;
        while (seen < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only " + seen + " of " + count + " records arrived on " + topic + " within " + timeout);
            }
            int n = consumer.poll(Duration.ofMillis(100)).count();
            if (n > 0 && first == 0) {
                first = System.nanoTime();
                firstBatch = n;
            }
            seen += n;
            if (warm == 0 && seen >= count / 2 && seen < count) {
                warm = System.nanoTime();
                seenWhenWarm = seen;
            }
        }
        long end = System.nanoTime();
        double cold = (seen - firstBatch) / ((end - first) / 1e9);
        return new Drained(warm == 0 ? cold : (seen - seenWhenWarm) / ((end - warm) / 1e9), cold);
    }
}
