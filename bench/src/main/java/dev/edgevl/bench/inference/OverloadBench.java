package dev.edgevl.bench.inference;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.AnnotationStatus;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.bench.BenchResult;
import dev.edgevl.config.Settings;
import dev.edgevl.inference.InferenceConfig;
import dev.edgevl.inference.LocalFlink;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * The stream job offered more pairs than it can annotate, for minutes: it measures the job's capacity on a backlog
 * (shedding off; the second of two passes, warm), then writes pairs live at {@code factor} times that rate with {@code inference.shed-after} set, and
 * reads every annotation as it comes ({@code read_uncommitted}). Reported: the rate offered, the rate annotated by the
 * student and the rate shed (both over the steady part, after the first fifth), capture → visible latency per second
 * (the job's lag, as a user sees it), the heap used against {@code -Xmx}, and whether every pair written got exactly
 * one annotation, by the student or SHED. Beside them, the cores each group of the JVM's threads used and (Linux) how
 * long the job's task thread ran and waited for a CPU; with {@link JobCore} the last CPU is kept for the job.
 */
public final class OverloadBench {
    private OverloadBench() {}

    /**
     * @param factor    offered rate over the measured capacity (the goal: 2)
     * @param seconds   how long the overload lasts
     * @param shedAfter the job's {@code inference.shed-after}
     * @param backlog   pairs the capacity is measured on
     * @param jobCore   keep the last CPU for the job's threads ({@link JobCore}) where the machine allows
     */
    public static BenchResult run(
            double factor, double seconds, Duration shedAfter, int backlog, boolean jobCore, Consumer<String> log)
            throws Exception {
        Optional<JobCore> core = jobCore ? JobCore.keep(log) : Optional.empty();
        try {
            return run(
                    factor, seconds, shedAfter, backlog, core.map(JobCore::cpu).orElse(-1), log);
        } finally {
            core.ifPresent(JobCore::close);
        }
    }

    private static BenchResult run(
            double factor, double seconds, Duration shedAfter, int backlog, int jobCpu, Consumer<String> log)
            throws Exception {
        Random random = new Random(1);
        KeyPair keys = Keys.generate();
        ModelVersion model = BenchFleet.model(keys);
        Map<String, float[]> labels = BenchFleet.labels(random);
        List<FramePair> pairs = BenchFleet.pairs(random, 256, InferenceBench.DEVICES);
        Map<String, Double> figures = new LinkedHashMap<>();
        Path keyFile = Files.createTempFile("edgevl-bench-key", ".pub.pem");
        Files.writeString(keyFile, Keys.toPem(keys.getPublic()));
        Settings base =
                InferenceBench.jobSettings(Map.of()).with(InferenceConfig.TRUSTED_KEYS.key(), keyFile.toString());
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                        // Twice the capacity is over 100 MB/s of pairs: minutes of it would fill a laptop's disk. Each
                        // partition keeps its newest 2 GB (at least 30 s of the busiest), far more than the job lags.
                        .brokerProperty("log.retention.bytes", Long.toString(2L << 30))
                        .brokerProperty("log.retention.check.interval.ms", "10000")
                        .start();
                // Batches of up to 256 KB (frame sync's 16 KB holds less than one 20 KB pair): a writer on the
                // job's cores that offers twice what the job can take needs every pair it sends to cost little.
                KafkaProducer<byte[], byte[]> producer = BenchFleet.producer(
                        kafka.bootstrapServers(), Map.of("batch.size", 256 << 10, "client.id", WRITER));
                LocalFlink flink = LocalFlink.start(1, 1)) {
            String bootstrap = kafka.bootstrapServers();
            TopicInstaller.ensureCatalogue(bootstrap);
            BenchFleet.publish(producer, model, labels);

            log.accept(String.format(
                    "Capacity: the job (shedding off) through a backlog of %,d pairs, twice, the second pass timed...",
                    backlog));
            for (int i = 0; i < backlog; i++) {
                BenchFleet.send(producer, pairs.get(i % pairs.size()), i, Instant.now());
            }
            producer.flush();
            // Twice through the backlog, the second pass timed: the first compiles what the job runs (as in
            // edgevl bench inference).
            double capacity = 0;
            for (int pass = 1; pass <= 2; pass++) {
                int id = pass;
                ThreadCpu passStart = ThreadCpu.now();
                InferenceBench.Run capacityRun = InferenceBench.run(
                        flink,
                        bootstrap,
                        Topics.FRAMES_ANNOTATED.name(),
                        backlog,
                        env -> InferenceBench.job(env, base, bootstrap, id));
                Map<String, Double> cores = ThreadCpu.now().coresSince(passStart, OverloadBench::group);
                flink.cancel(capacityRun.job());
                capacity = capacityRun.drained().warmRate();
                figures.put("capacityCoresJob", cores.getOrDefault(JOB, Double.NaN));
                figures.put("capacityCoresProcess", cores.getOrDefault(ThreadCpu.PROCESS, Double.NaN));
                figures.put("capacityTaskCores", cores.getOrDefault(JobCore.TASK_CORES, Double.NaN));
                figures.put("capacityTaskWaiting", cores.getOrDefault(JobCore.TASK_WAITING, Double.NaN));
            }
            figures.put("capacityFramesPerSecond", capacity);
            dropBacklog(bootstrap);

            double offered = capacity * factor;
            Settings shedding = base.with(InferenceConfig.SHED_AFTER.key(), shedAfter.toMillis() + "ms");
            log.accept(String.format(
                    "Overload: %.0f pairs/s offered (%.1fx the capacity of %.0f/s) for %.0f s, inference.shed-after %d ms...",
                    offered, factor, capacity, seconds, shedAfter.toMillis()));
            try (Tally tally = new Tally(bootstrap, backlog, (int) Math.ceil(seconds / 5))) {
                StreamExecutionEnvironment env = LocalFlink.environment(1, 0, Duration.ofSeconds(1));
                JobID job = flink.submit(env, InferenceBench.job(env, shedding, bootstrap, 3));
                flink.awaitRunning(job, Duration.ofSeconds(60));
                Writer written = write(producer, pairs, offered, seconds, backlog, tally, log);
                tally.awaitAll(written.count(), Duration.ofSeconds(120));
                flink.cancel(job);
                figures.putAll(tally.figures(written, seconds, capacity));
                Map<String, Double> cores = written.end().coresSince(written.steadyStart(), OverloadBench::group);
                for (String g : List.of(
                        JOB,
                        WRITER,
                        TALLY,
                        ThreadCpu.REST,
                        ThreadCpu.PROCESS,
                        JobCore.TASK_CORES,
                        JobCore.TASK_WAITING)) {
                    figures.put("overloadCores." + g, cores.getOrDefault(g, Double.NaN));
                }
                // Whether the job does less per core of its own when overloaded (shed pairs cost it a little too), for
                // its threads together and for the task thread alone (what it does with the CPU it gets).
                double annotated = figures.get("annotatedFramesPerSecond");
                figures.put(
                        "annotatedPerJobCoreOverCapacity",
                        perCoreOverCapacity(annotated, cores.get(JOB), capacity, figures.get("capacityCoresJob")));
                figures.put(
                        "annotatedPerTaskCoreOverCapacity",
                        perCoreOverCapacity(
                                annotated, cores.get(JobCore.TASK_CORES), capacity, figures.get("capacityTaskCores")));
            }
            figures.put("jobCpu", (double) jobCpu);
            figures.put("factorAsked", factor);
            figures.put("shedAfterMillis", (double) shedAfter.toMillis());
            figures.put("xmxMegabytes", Runtime.getRuntime().maxMemory() / 1e6);
        } finally {
            Files.deleteIfExists(keyFile);
        }
        return new BenchResult("overload", sentence(figures), figures);
    }

    /** Pairs annotated per core at overload over the same at capacity; NaN where a core count is missing. */
    static double perCoreOverCapacity(
            double annotated, Double coresAtOverload, double capacity, Double coresAtCapacity) {
        if (coresAtOverload == null || coresAtCapacity == null) {
            return Double.NaN;
        }
        return annotated / coresAtOverload / (capacity / coresAtCapacity);
    }

    /** Thread groups of the bench's JVM, by thread name. */
    private static final String JOB = "job";

    private static final String WRITER = "overload-writer";
    private static final String TALLY = "overload-tally";

    /**
     * The job's threads (its task, the source's fetcher, the sink's producer), the writer and its producer, the tally;
     * null for the rest (the broker, Flink's runtime).
     */
    private static String group(String thread) {
        if (thread.contains("frames.paired") || thread.contains("bench-job")) {
            return JOB;
        }
        if (thread.startsWith(WRITER) || thread.contains("| " + WRITER)) {
            return WRITER;
        }
        return thread.startsWith(TALLY) ? TALLY : null;
    }

    /** What the writer wrote, and the CPU of the JVM's threads from the start of the steady part to its end. */
    private record Writer(long count, double seconds, ThreadCpu steadyStart, ThreadCpu end) {}

    /**
     * Writes pairs at {@code rate} for {@code seconds}, as fast as it can when it cannot keep up: its own copies of the
     * pairs, stamped in place (no copy of their pixels per pair), and no flush until the end — the producer's buffer
     * (32 MB, about 1,600 pairs) is what holds the writer back when the broker is slower.
     */
    private static Writer write(
            KafkaProducer<byte[], byte[]> producer,
            List<FramePair> pairs,
            double rate,
            double seconds,
            long firstSequence,
            Tally tally,
            Consumer<String> log)
            throws Exception {
        List<FramePair> own = pairs.stream().map(BenchFleet::copy).toList();
        AtomicReference<Exception> failed = new AtomicReference<>();
        Callback done = (metadata, e) -> {
            if (e != null) {
                failed.compareAndSet(null, e);
            }
        };
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long sent = 0;
        long nextReport = 10;
        long steadyFrom = start + (long) (tally.steadyFrom * 1e9); // the steady part, as the tally counts it
        ThreadCpu steadyStart = null;
        String caller = Thread.currentThread().getName();
        Thread.currentThread().setName(WRITER); // its CPU counts as the writer's
        try {
            while (System.nanoTime() < end) {
                if (steadyStart == null && System.nanoTime() >= steadyFrom) {
                    steadyStart = ThreadCpu.now();
                }
                long due = (long) (rate * (System.nanoTime() - start) / 1e9);
                // At most a tenth of a second's worth between looks at the clock, so the writer stops on time.
                long batchEnd = Math.min(due, sent + Math.max(1, (long) (rate / 10)));
                while (sent < batchEnd) {
                    BenchFleet.sendOwned(
                            producer, own.get((int) (sent % own.size())), firstSequence + sent, Instant.now(), done);
                    sent++;
                }
                throwIfFailed(failed);
                tally.sampleHeap();
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (elapsed >= nextReport) {
                    log.accept(String.format("  %.0f s: %s", elapsed, tally.progress(sent)));
                    nextReport += 10;
                }
                Thread.sleep(1);
            }
            ThreadCpu steadyEnd = ThreadCpu.now();
            producer.flush(); // counted in the writer's time: a pair is offered once the broker has it
            throwIfFailed(failed);
            return new Writer(
                    sent, (System.nanoTime() - start) / 1e9, steadyStart == null ? steadyEnd : steadyStart, steadyEnd);
        } finally {
            Thread.currentThread().setName(caller);
        }
    }

    private static void throwIfFailed(AtomicReference<Exception> failed) {
        if (failed.get() != null) {
            throw new IllegalStateException("The overload writer could not write a pair.", failed.get());
        }
    }

    /** Deletes what the capacity run read, so the overload job starts on live pairs only. */
    private static void dropBacklog(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            int partitions = admin.describeTopics(List.of(Topics.FRAMES_PAIRED.name()))
                    .allTopicNames()
                    .get()
                    .get(Topics.FRAMES_PAIRED.name())
                    .partitions()
                    .size();
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(Topics.FRAMES_PAIRED.name(), p), OffsetSpec.latest());
            }
            Map<TopicPartition, RecordsToDelete> delete = new LinkedHashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get()
                    .forEach((tp, info) -> delete.put(tp, RecordsToDelete.beforeOffset(info.offset())));
            admin.deleteRecords(delete).all().get();
        }
    }

    /** Reads every annotation as the job sends it, per second: annotated, shed, capture → visible; and the heap. */
    private static final class Tally implements AutoCloseable {
        private static final int MAX_SECONDS = 3_600;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final long start = System.currentTimeMillis();
        private final long[] annotatedPerSecond = new long[MAX_SECONDS];
        private final long[] shedPerSecond = new long[MAX_SECONDS];
        private final long[] maxLagPerSecond = new long[MAX_SECONDS];
        /** Pairs seen, by sequence number past the first the overload writes: every pair has its own. */
        private final BitSet seen = new BitSet();

        private final long firstSequence;
        /** Second of the overload from which the steady part counts: a fifth of it. */
        private final int steadyFrom;
        /** Per device over the steady part: {annotated by the student, shed}. */
        private final Map<String, long[]> byDevice = new TreeMap<>();
        /** Per device, the most an annotation was late since the last progress line. */
        private final Map<String, Long> recentLag = new TreeMap<>();

        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private volatile long maxHeap;
        private volatile long distinct;
        private volatile long duplicates;

        Tally(String bootstrap, long firstSequence, int steadyFrom) {
            this.firstSequence = firstSequence;
            this.steadyFrom = steadyFrom;
            consumer = BenchFleet.readerFromNow(
                    bootstrap, Topics.FRAMES_ANNOTATED.name(), "overload-bench-" + UUID.randomUUID());
            thread = new Thread(this::read, "overload-tally");
            thread.setDaemon(true);
            thread.start();
        }

        private void read() {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    Annotation a = BenchFleet.decodeAnnotation(r.value());
                    int second = (int) Math.min(MAX_SECONDS - 1, Math.max(0, (now - start) / 1000));
                    synchronized (this) {
                        int index = (int) (a.getAuxSequence() - firstSequence);
                        if (index < 0 || seen.get(index)) {
                            duplicates++;
                            continue;
                        }
                        seen.set(index);
                        distinct++;
                        boolean shed = a.getStatus() == AnnotationStatus.SHED;
                        if (shed) {
                            shedPerSecond[second]++;
                        } else {
                            annotatedPerSecond[second]++;
                        }
                        if (second >= steadyFrom) {
                            byDevice.computeIfAbsent(a.getDeviceId(), d -> new long[2])[shed ? 1 : 0]++;
                        }
                        long lag = now - a.getCaptureTime().toEpochMilli();
                        maxLagPerSecond[second] = Math.max(maxLagPerSecond[second], lag);
                        recentLag.merge(a.getDeviceId(), lag, Math::max);
                    }
                }
            }
        }

        void sampleHeap() {
            maxHeap = Math.max(maxHeap, memory.getHeapMemoryUsage().getUsed());
        }

        synchronized String progress(long written) {
            int now = (int) ((System.currentTimeMillis() - start) / 1000);
            long annotated = 0;
            long shed = 0;
            for (int s = Math.max(0, now - 10); s < now; s++) {
                annotated += annotatedPerSecond[s];
                shed += shedPerSecond[s];
            }
            Map.Entry<String, Long> slowest = recentLag.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .orElse(Map.entry("none", 0L));
            recentLag.clear();
            return String.format(
                    "%,d written, %,d annotations read; last 10 s: %.0f/s annotated, %.0f/s shed, most late %s %,d ms;"
                            + " heap %.0f MB",
                    written,
                    distinct,
                    annotated / 10.0,
                    shed / 10.0,
                    slowest.getKey(),
                    slowest.getValue(),
                    maxHeap / 1e6);
        }

        void awaitAll(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (distinct < count && System.nanoTime() < deadline) {
                sampleHeap();
                Thread.sleep(200);
            }
        }

        /** Figures over the steady part: from a fifth of the overload to its end. */
        synchronized Map<String, Double> figures(Writer written, double seconds, double capacity) {
            int from = steadyFrom;
            int to = (int) Math.floor(Math.min(seconds, MAX_SECONDS));
            long annotated = 0;
            long shed = 0;
            long[] lags = Arrays.copyOfRange(maxLagPerSecond, from, to);
            for (int s = from; s < to; s++) {
                annotated += annotatedPerSecond[s];
                shed += shedPerSecond[s];
            }
            Arrays.sort(lags);
            double window = to - from;
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("offeredFramesPerSecond", written.count() / written.seconds());
            f.put("offeredOverCapacity", written.count() / written.seconds() / capacity);
            f.put("annotatedFramesPerSecond", annotated / window);
            f.put("annotatedOverCapacity", annotated / window / capacity);
            f.put("shedFramesPerSecond", shed / window);
            f.put("shedShare", (double) shed / Math.max(1, annotated + shed));
            // How evenly the shedding falls: the share of each device's pairs the student annotated.
            double least = Double.NaN;
            double most = Double.NaN;
            for (long[] counts : byDevice.values()) {
                double share = (double) counts[0] / Math.max(1, counts[0] + counts[1]);
                least = Double.isNaN(least) ? share : Math.min(least, share);
                most = Double.isNaN(most) ? share : Math.max(most, share);
            }
            f.put("annotatedShareLeastDevice", least);
            f.put("annotatedShareMostDevice", most);
            f.put("lagMaxMillis", lags.length == 0 ? Double.NaN : (double) lags[lags.length - 1]);
            f.put("lagMedianOfSecondsMillis", lags.length == 0 ? Double.NaN : (double) lags[lags.length / 2]);
            f.put("pairsWritten", (double) written.count());
            f.put("pairsAccountedFor", (double) distinct);
            f.put("duplicateAnnotations", (double) duplicates);
            f.put("heapMaxMegabytes", maxHeap / 1e6);
            return f;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
            consumer.close();
        }
    }

    static String sentence(Map<String, Double> f) {
        return String.format(
                "capacity %.0f pairs/s (shedding off); offered %.0f/s (%.2fx) for the overload; annotated by the student"
                        + " %.0f/s (%.2f of capacity), shed %.0f/s (%.0f%% of pairs) by inference.shed-after %.0f ms;"
                        + " each device's pairs annotated: %.0f-%.0f%%;"
                        + " capture->visible per second: median of the seconds' maxima %.0f ms, worst %.0f ms;"
                        + " %,.0f of %,.0f pairs written got an annotation (annotated or SHED), %.0f twice; heap at most"
                        + " %.0f MB of -Xmx %.0f MB; cores used by the job %.2f at capacity, %.2f at overload (the"
                        + " writer %.2f, the tally %.2f, the rest: broker, Flink, GC, JIT %.2f), annotated per core"
                        + " of the job's %.2f of capacity%s",
                f.get("capacityFramesPerSecond"),
                f.get("offeredFramesPerSecond"),
                f.get("offeredOverCapacity"),
                f.get("annotatedFramesPerSecond"),
                f.get("annotatedOverCapacity"),
                f.get("shedFramesPerSecond"),
                100 * f.get("shedShare"),
                f.get("shedAfterMillis"),
                100 * f.get("annotatedShareLeastDevice"),
                100 * f.get("annotatedShareMostDevice"),
                f.get("lagMedianOfSecondsMillis"),
                f.get("lagMaxMillis"),
                f.get("pairsAccountedFor"),
                f.get("pairsWritten"),
                f.get("duplicateAnnotations"),
                f.get("heapMaxMegabytes"),
                f.get("xmxMegabytes"),
                f.get("capacityCoresJob"),
                f.get("overloadCores." + JOB),
                f.get("overloadCores." + WRITER),
                f.get("overloadCores." + TALLY),
                f.get("overloadCores." + ThreadCpu.REST),
                f.get("annotatedPerJobCoreOverCapacity"),
                taskClause(f));
    }

    /** The task thread's CPU and wait, where the kernel told them, and whether a CPU was kept for the job. */
    private static String taskClause(Map<String, Double> f) {
        String cpus = f.getOrDefault("jobCpu", -1.0) >= 0
                ? String.format("CPU %.0f was kept for the job", f.get("jobCpu"))
                : "the job shared every CPU with the bench";
        double overloadRun = f.getOrDefault("overloadCores.taskCores", Double.NaN);
        if (Double.isNaN(overloadRun)) {
            return "; " + cpus;
        }
        return String.format(
                "; the job's task thread ran %.2f of a core and waited, runnable, for a CPU %.2f of the time at capacity,"
                        + " %.2f and %.2f at overload: annotated per second of its CPU %.2f of capacity; %s",
                f.get("capacityTaskCores"),
                f.get("capacityTaskWaiting"),
                overloadRun,
                f.get("overloadCores.taskWaiting"),
                f.get("annotatedPerTaskCoreOverCapacity"),
                cpus);
    }
}
