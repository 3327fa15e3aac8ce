package dev.edgevl.cli;

import dev.edgevl.config.Settings;
import dev.edgevl.inference.InferenceConfig;
import dev.edgevl.inference.LocalFlink;
import dev.edgevl.inference.StreamInferenceJob;
import dev.edgevl.schemas.topics.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The stream-inference Flink job on an embedded MiniCluster, against any Kafka. */
@Command(
        name = "infer",
        mixinStandardHelpOptions = true,
        description = {
            "Run the stream-inference Flink job in this JVM (MiniCluster) until Ctrl-C: annotates every pair on frames.paired",
            "with the live student from 'models' (verified against --trust keys) and the labels on labels.embedded, writes",
            "frames.annotated, routes uncertain frames to teacher.requests within a per-device budget, exactly once.",
            "On a Flink cluster run the job jar instead (stream-inference/target/*-job.jar). Settings: inference.* (see docs)."
        })
final class InferCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    RunLength runLength = new RunLength();

    @Option(
            names = "--trust",
            paramLabel = "PEM",
            description = "Public key file(s) whose signed models the job accepts " + "(sets inference.trusted-keys).")
    List<Path> trust = List.of();

    @Option(
            names = {"-p", "--parallelism"},
            defaultValue = "1",
            description = "Parallel instances of the job (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = cluster.settings();
        if (!trust.isEmpty()) {
            settings = settings.with(
                    InferenceConfig.TRUSTED_KEYS.key(),
                    trust.stream().map(Path::toString).collect(Collectors.joining(",")));
        }
        StopSignal signal = new StopSignal();
        try (Admin admin = cluster.admin();
                LocalFlink flink = LocalFlink.start(1, parallelism)) {
            StreamExecutionEnvironment env =
                    LocalFlink.environment(parallelism, Integer.MAX_VALUE, Duration.ofSeconds(2));
            StreamInferenceJob.build(env, settings, cluster.bootstrap);
            JobID job = flink.submit(env, StreamInferenceJob.NAME);
            flink.awaitRunning(job, Duration.ofSeconds(60));
            out.printf(
                    "The stream-inference job is running (parallelism %d). %s%n", parallelism, runLength.howItEnds());
            out.flush();
            Progress.Rate rate = new Progress.Rate();
            try (Progress progress = new Progress(out, Duration.ofSeconds(10), () -> {
                long annotated = written(admin, Topics.FRAMES_ANNOTATED.name());
                return String.format(
                        "annotations written %,d (%.1f/s)  teacher requests %,d  dead letters %,d  (log end offsets)",
                        annotated,
                        rate.perSecond(annotated),
                        written(admin, Topics.TEACHER_REQUESTS.name()),
                        written(admin, Topics.FRAMES_PAIRED.deadLetter().name()));
            })) {
                signal.await(runLength.duration);
            }
            out.println("Stopping the job...");
            out.flush();
            flink.cancel(job);
            out.println("The stream-inference job stopped.");
            out.flush();
            return 0;
        } finally {
            signal.cleanedUp();
        }
    }

    /** The sum of a topic's log end offsets: records written, transaction markers included. */
    private static long written(Admin admin, String topic) {
        try {
            var partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions();
            Map<TopicPartition, OffsetSpec> request = partitions.stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(request).all().get().values().stream()
                    .mapToLong(o -> o.offset())
                    .sum();
        } catch (Exception e) {
            return -1;
        }
    }
}
