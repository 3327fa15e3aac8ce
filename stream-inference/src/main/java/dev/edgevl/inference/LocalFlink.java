package dev.edgevl.inference;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * An embedded Flink cluster (a {@link MiniCluster}) for running the job in this JVM: what {@code edgevl} uses instead of
 * a Flink deployment, and what the integration test kills task managers in. Jobs restart after a failure (fixed
 * delay), from their last checkpoint.
 */
public final class LocalFlink implements AutoCloseable {
    /** Flink's Prometheus reporter, as a cluster's configuration names it. */
    public static final String PROMETHEUS_REPORTER = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    private final MiniCluster cluster;

    private LocalFlink(MiniCluster cluster) {
        this.cluster = cluster;
    }

    public static LocalFlink start(int taskManagers, int slotsPerTaskManager) throws Exception {
        return start(taskManagers, slotsPerTaskManager, 0);
    }

    /**
     * A MiniCluster whose metrics (the job's operators, checkpoints, Kafka connectors) are also served by Flink's
     * Prometheus reporter on {@code prometheusPort} (every interface), when it is not 0; the reporter
     * ({@code flink-metrics-prometheus}) must be on the class path.
     */
    public static LocalFlink start(int taskManagers, int slotsPerTaskManager, int prometheusPort) throws Exception {
        Configuration conf = new Configuration();
        if (prometheusPort > 0) {
            conf.set(key("metrics.reporter.prom.factory.class"), PROMETHEUS_REPORTER);
            conf.set(key("metrics.reporter.prom.port"), Integer.toString(prometheusPort));
        }
        conf.set(
                TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(16)); // heap state only: no RocksDB here
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.ofMebiBytes(32));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.ofMebiBytes(32));
        // Metrics read over REST are at most a second old (Flink's default: ten).
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(taskManagers)
                .setNumSlotsPerTaskManager(slotsPerTaskManager)
                .build());
        cluster.start();
        return new LocalFlink(cluster);
    }

    /** An environment whose jobs restart up to {@code attempts} times, {@code delay} apart, after a failure. */
    public static StreamExecutionEnvironment environment(int parallelism, int attempts, Duration delay) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, delay);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    /** Submits what {@code env} holds as one job and returns at once. */
    public JobID submit(StreamExecutionEnvironment env, String name) throws Exception {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        return cluster.submitJob(graph).get().getJobID();
    }

    public JobStatus status(JobID job) throws Exception {
        return cluster.getJobStatus(job).get();
    }

    /** The exception behind the job's latest failover or failure, if it ever had one; empty for a job never restarted. */
    public Optional<String> lastFailure(JobID job) throws Exception {
        ErrorInfo failure = cluster.getExecutionGraph(job).get().getFailureInfo();
        return failure == null ? Optional.empty() : Optional.of(failure.getExceptionAsString());
    }

    /** Waits until the job runs (all its tasks deployed), or throws if it does not within {@code timeout}. */
    public void awaitRunning(JobID job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status(job) != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + job + " is " + status(job) + " after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    public void cancel(JobID job) throws Exception {
        cluster.cancelJob(job).get();
    }

    /** The REST endpoint of the cluster (Flink's web UI and API). */
    public URI restAddress() throws Exception {
        return cluster.getRestAddress().get();
    }

    public MiniCluster cluster() {
        return cluster;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }

    private static ConfigOption<String> key(String name) {
        return ConfigOptions.key(name).stringType().noDefaultValue();
    }
}
