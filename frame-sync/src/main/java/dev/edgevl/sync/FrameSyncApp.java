package dev.edgevl.sync;

import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.health.Health;
import dev.edgevl.health.HealthServer;
import dev.edgevl.health.KafkaStreamsHealth;
import dev.edgevl.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame-sync service: Kafka Streams running {@link FrameSyncTopology} with exactly-once processing, plus its
 * counters and a periodic log line. {@link #start} returns once Kafka Streams has been started; {@link #close}
 * stops it and commits what was processed.
 */
public final class FrameSyncApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrameSyncApp.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final FrameSyncConfig config;
    private final AvroSerdes serdes;
    private final SyncCounters counters = new SyncCounters();
    private final KafkaStreams streams;
    private final ScheduledExecutorService progress;
    private final CountDownLatch settled = new CountDownLatch(1);
    private final Instant started = Instant.now();
    private volatile Throwable failure;
    private volatile boolean everRunning;
    private SyncStats lastLogged = SyncStats.ZERO;
    private HealthServer healthEndpoint = HealthServer.off();
    private boolean closed;

    private FrameSyncApp(FrameSyncConfig config, Properties streamsProperties, AvroSerdes serdes) {
        this.config = config;
        this.serdes = serdes;
        this.streams = new KafkaStreams(FrameSyncTopology.build(config, serdes, counters), streamsProperties);
        streams.setStateListener(this::onStateChange);
        streams.setUncaughtExceptionHandler(error -> {
            failure = error;
            LOG.error("Frame sync stopped on an unexpected error; no frames are paired until it is restarted. The cause follows.",
                    error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        try {
            streams.start();
        } catch (RuntimeException e) {
            streams.close(CLOSE_TIMEOUT);
            throw e;
        }
        this.progress = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "frame-sync-progress");
            thread.setDaemon(true);
            return thread;
        });
        long every = config.logInterval().toMillis();
        progress.scheduleAtFixedRate(this::logProgress, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Checks the topics and starts frame sync against the cluster at {@code bootstrap} (or
     * {@code kafka.bootstrap.servers} when null), configured by the {@code sync.*}, {@code serde.*} and
     * {@code kafka.*} settings.
     *
     * @throws IllegalStateException when a topic is missing or frames.rgb and frames.aux are partitioned differently
     */
    public static FrameSyncApp start(Settings settings, String bootstrap) {
        FrameSyncConfig config = FrameSyncConfig.from(settings);
        Map<String, Object> client = KafkaSettings.clientProperties(settings, bootstrap);
        try (Admin admin = Admin.create(client)) {
            FrameSyncTopology.REQUIRED_TOPICS.check(admin, ADMIN_TIMEOUT);
        }
        AvroSerdes serdes = AvroSerdes.fromSettings(settings);
        HealthServer endpoint = HealthServer.start(settings, "frame sync");
        try {
            FrameSyncApp app = new FrameSyncApp(config, config.streamsProperties(client), serdes);
            app.healthEndpoint = endpoint.watch(app::health);
            return app;
        } catch (RuntimeException e) {
            endpoint.close();
            closeQuietly(serdes);
            throw e;
        }
    }

    /**
     * Waits until Kafka Streams has its partitions and is processing.
     *
     * @throws IllegalStateException when it failed or did not get there within {@code timeout}
     */
    public FrameSyncApp awaitRunning(Duration timeout) throws InterruptedException {
        if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Frame sync was not running after " + timeout.toSeconds() + " s (it is "
                    + streams.state() + "); check that Kafka is reachable and the consumer group " + config.applicationId()
                    + " is not held by another instance with different settings.");
        }
        if (streams.state() != KafkaStreams.State.RUNNING && !everRunning) {
            throw new IllegalStateException("Frame sync stopped before it was running (" + streams.state() + ")"
                    + (failure == null ? "." : ": " + failure.getMessage()), failure);
        }
        return this;
    }

    /** Counts since start, across all stream threads. */
    public SyncStats stats() {
        return counters.snapshot();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Ready while Kafka Streams is running, live until it stops; served on {@code health.port} when that is set. */
    public Health health() {
        return KafkaStreamsHealth.of("frame sync", streams.state().name(), failure);
    }

    /** The error that stopped frame sync, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public FrameSyncConfig config() {
        return config;
    }

    /** Stops processing, commits, and closes the serdes; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        healthEndpoint.close();
        progress.shutdownNow();
        boolean clean = streams.close(CLOSE_TIMEOUT);
        closeQuietly(serdes);
        Duration uptime = Duration.between(started, Instant.now());
        if (clean) {
            LOG.info("Frame sync stopped. {}", stats().sentence(uptime, config.tolerance()));
        } else {
            LOG.warn("Frame sync did not stop within {} s; some threads may still be running. {}", CLOSE_TIMEOUT.toSeconds(),
                    stats().sentence(uptime, config.tolerance()));
        }
    }

    private void onStateChange(KafkaStreams.State now, KafkaStreams.State before) {
        if (now == KafkaStreams.State.RUNNING) {
            if (!everRunning) {
                LOG.info("Frame sync is running: pairing each device's frames.rgb and frames.aux frames within {} ms into "
                        + "frames.paired, exactly once, as application {}.", config.tolerance().toMillis(), config.applicationId());
            } else {
                LOG.info("Frame sync is running again after a rebalance.");
            }
            everRunning = true;
            settled.countDown();
        } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING
                || now == KafkaStreams.State.PENDING_ERROR) {
            settled.countDown();
        }
    }

    private synchronized void logProgress() {
        SyncStats now = stats();
        SyncStats delta = now.minus(lastLogged);
        lastLogged = now;
        if (!delta.equals(SyncStats.ZERO)) {
            LOG.info(delta.sentence(config.logInterval(), config.tolerance()));
        }
    }

    private static void closeQuietly(AvroSerdes serdes) {
        try {
            serdes.close();
        } catch (Exception e) {
            LOG.warn("Frame sync could not close its serdes cleanly: {}", e.toString());
        }
    }
}
