package dev.edgevl.streams;

import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.health.Health;
import dev.edgevl.health.HealthServer;
import dev.edgevl.health.KafkaStreamsHealth;
import dev.edgevl.health.ServiceMetrics;
import dev.edgevl.schemas.topics.RequiredTopics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;

/**
 * The life of one Kafka Streams service, the same for frame sync and the teacher service: its topics checked before it
 * starts, its topology started with exactly-once processing, its state told to the health endpoint
 * ({@code health.port}), Kafka Streams' own metrics on its {@code /metrics}, what it did logged every log interval, and an orderly close that commits what was processed
 * and then closes what the service owns.
 *
 * <p>A service extends this class, says what is particular to it ({@link #running}, {@link #progress},
 * {@link #summary}) and calls {@link #start} at the end of its constructor; the log lines go to the service's own
 * logger, so their category stays the service's.
 */
public abstract class StreamsService implements AutoCloseable {
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What a service tells about itself.
     *
     * @param name         the service as a sentence has it, in lower case ("frame sync", "the teacher service")
     * @param applicationId its Kafka Streams application id
     * @param whileDown    what does not happen while it is stopped, for the error line ("no frames are paired")
     * @param logInterval  how often {@link #progress()} is asked for
     */
    public record Identity(String name, String applicationId, String whileDown, Duration logInterval) {
        String sentenceName() {
            return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
        }
    }

    private final Logger log;
    private final Identity identity;
    private final CountDownLatch settled = new CountDownLatch(1);
    private KafkaStreams streams;
    private List<AutoCloseable> owned = List.of();
    private ScheduledExecutorService progressLog;
    private volatile Throwable failure;
    private volatile boolean everRunning;
    private HealthServer healthEndpoint = HealthServer.off();
    private KafkaStreamsMetrics metrics;
    private boolean closed;

    protected StreamsService(Logger log, Identity identity) {
        this.log = log;
        this.identity = identity;
    }

    /** Logged once, when processing first starts. */
    protected abstract String running();

    /** What happened since the last call, or null when nothing did; asked every log interval, from another thread. */
    protected abstract String progress();

    /** What happened since start, logged when the service stops. */
    protected abstract String summary();

    /**
     * Checks {@code topics} against the cluster at {@code bootstrap} (or {@code kafka.bootstrap.servers} when null),
     * opens the health endpoint and starts {@code topology} with exactly-once processing under the identity's
     * application id. {@code owned} (serdes, a teacher) are closed after Kafka Streams, in order, also when the start
     * fails. Call it last in the subclass's constructor: from here on the other threads may call back.
     *
     * @throws IllegalStateException when a topic is missing or mismatched
     */
    protected final void start(
            Settings settings,
            String bootstrap,
            RequiredTopics topics,
            Topology topology,
            Duration commitInterval,
            AutoCloseable... owned) {
        this.owned = List.of(owned);
        try {
            Map<String, Object> client = KafkaSettings.clientProperties(settings, bootstrap);
            try (Admin admin = Admin.create(client)) {
                topics.check(admin, ADMIN_TIMEOUT);
            }
            healthEndpoint = HealthServer.start(settings, identity.name());
            streams = new KafkaStreams(topology, exactlyOnce(client, identity.applicationId(), commitInterval));
            metrics = new KafkaStreamsMetrics(streams);
            metrics.bindTo(ServiceMetrics.registry());
            streams.setStateListener(this::onStateChange);
            streams.setUncaughtExceptionHandler(error -> {
                failure = error;
                log.error(
                        "{} stopped on an unexpected error; {} until it is restarted. The cause follows.",
                        identity.sentenceName(),
                        identity.whileDown(),
                        error);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.start();
            healthEndpoint = healthEndpoint.watch(this::health);
        } catch (RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            if (streams != null) {
                streams.close(CLOSE_TIMEOUT);
            }
            healthEndpoint.close();
            closeAll();
            throw e;
        }
        progressLog = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, identity.applicationId() + "-progress");
            thread.setDaemon(true);
            return thread;
        });
        long every = identity.logInterval().toMillis();
        progressLog.scheduleAtFixedRate(this::logProgress, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * The Kafka Streams properties: {@code clientProperties} (bootstrap servers and the {@code kafka.*} passthrough) with
     * the service's own on top, so exactly-once cannot be switched off by a stray passthrough key.
     */
    public static Properties exactlyOnce(
            Map<String, Object> clientProperties, String applicationId, Duration commitInterval) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitInterval.toMillis()));
        return props;
    }

    /**
     * Waits until Kafka Streams has its partitions and is processing.
     *
     * @throws IllegalStateException when it failed or did not get there within {@code timeout}
     */
    public final void awaitRunning(Duration timeout) throws InterruptedException {
        if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(
                    identity.sentenceName() + " was not running after " + timeout.toSeconds() + " s (it is "
                            + streams.state() + "); check that Kafka is reachable and the consumer group "
                            + identity.applicationId()
                            + " is not held by another instance with different settings.");
        }
        if (streams.state() != KafkaStreams.State.RUNNING && !everRunning) {
            throw new IllegalStateException(
                    identity.sentenceName() + " stopped before it was running (" + streams.state() + ")"
                            + (failure == null ? "." : ": " + failure.getMessage()),
                    failure);
        }
    }

    public final KafkaStreams.State state() {
        return streams.state();
    }

    /** Ready while Kafka Streams is running, live until it stops; served on {@code health.port} when that is set. */
    public final Health health() {
        return KafkaStreamsHealth.of(identity.name(), streams.state().name(), failure);
    }

    /** The error that stopped the service, if one did. */
    public final Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Stops processing, commits, then closes what the service owns; safe to call twice. */
    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        healthEndpoint.close();
        progressLog.shutdownNow();
        metrics.close();
        boolean clean = streams.close(CLOSE_TIMEOUT);
        closeAll();
        if (clean) {
            log.info("{} stopped. {}", identity.sentenceName(), summary());
        } else {
            log.warn(
                    "{} did not stop within {} s; some threads may still be running. {}",
                    identity.sentenceName(),
                    CLOSE_TIMEOUT.toSeconds(),
                    summary());
        }
    }

    private void onStateChange(KafkaStreams.State now, KafkaStreams.State before) {
        if (now == KafkaStreams.State.RUNNING) {
            if (!everRunning) {
                log.info(running());
            } else {
                log.info("{} is running again after a rebalance.", identity.sentenceName());
            }
            everRunning = true;
            settled.countDown();
        } else if (now == KafkaStreams.State.ERROR
                || now == KafkaStreams.State.NOT_RUNNING
                || now == KafkaStreams.State.PENDING_ERROR) {
            settled.countDown();
        }
    }

    private void logProgress() {
        String line = progress();
        if (line != null) {
            log.info(line);
        }
    }

    private void closeAll() {
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("{} could not close {} cleanly: {}", identity.sentenceName(), resource, e.toString());
            }
        }
    }
}
