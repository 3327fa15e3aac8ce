package dev.edgevl.streams;

import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.health.Health;
import dev.edgevl.health.HealthServer;
import dev.edgevl.health.KafkaStreamsHealth;
import dev.edgevl.schemas.topics.RequiredTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;

/**
 * The life of one Kafka Streams service, the same for frame sync and the teacher service: its topics checked before it
 * starts, its topology started, its state told to the health endpoint ({@code health.port}), what it did logged every
 * log interval, and an orderly close that commits what was processed and then closes what the service owns.
 *
 * <p>Each service says what is particular to it through a {@link Narrator}; the log lines go to the service's own
 * logger, so their category stays the service's.
 */
public final class StreamsService implements AutoCloseable {
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What a service tells about itself.
     *
     * @param name         the service as a sentence has it, in lower case ("frame sync", "the teacher service")
     * @param applicationId its Kafka Streams application id
     * @param whileDown    what does not happen while it is stopped, for the error line ("no frames are paired")
     * @param logInterval  how often {@link Narrator#progress()} is asked for
     */
    public record Identity(String name, String applicationId, String whileDown, Duration logInterval) {
        String sentenceName() {
            return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
        }
    }

    /** The sentences only the service can say. Called from the service's threads; implementations must be thread-safe. */
    public interface Narrator {
        /** Logged once, when processing first starts. */
        String running();

        /** What happened since the last call, or null when nothing did. */
        String progress();

        /** What happened since start, logged when the service stops. */
        String summary();
    }

    private final Logger log;
    private final Identity identity;
    private final Narrator narrator;
    private final KafkaStreams streams;
    private final List<AutoCloseable> owned;
    private final ScheduledExecutorService progress;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile Throwable failure;
    private volatile boolean everRunning;
    private HealthServer healthEndpoint = HealthServer.off();
    private boolean closed;

    private StreamsService(Logger log, Identity identity, Narrator narrator, Topology topology, Properties properties,
            List<AutoCloseable> owned) {
        this.log = log;
        this.identity = identity;
        this.narrator = narrator;
        this.owned = owned;
        this.streams = new KafkaStreams(topology, properties);
        streams.setStateListener(this::onStateChange);
        streams.setUncaughtExceptionHandler(error -> {
            failure = error;
            log.error("{} stopped on an unexpected error; {} until it is restarted. The cause follows.", identity.sentenceName(),
                    identity.whileDown(), error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        try {
            streams.start();
        } catch (RuntimeException e) {
            streams.close(CLOSE_TIMEOUT);
            throw e;
        }
        this.progress = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, identity.applicationId() + "-progress");
            thread.setDaemon(true);
            return thread;
        });
        long every = identity.logInterval().toMillis();
        progress.scheduleAtFixedRate(this::logProgress, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Checks {@code topics} against the cluster at {@code bootstrap} (or {@code kafka.bootstrap.servers} when null),
     * opens the health endpoint and starts the topology with the Streams properties {@code properties} makes of the
     * Kafka client settings. {@code owned} (serdes, a teacher) are closed after Kafka Streams, in order, also when the
     * start fails.
     *
     * @throws IllegalStateException when a topic is missing or mismatched
     */
    public static StreamsService start(Logger log, Identity identity, Narrator narrator, Settings settings, String bootstrap,
            RequiredTopics topics, Topology topology, Function<Map<String, Object>, Properties> properties, AutoCloseable... owned) {
        List<AutoCloseable> resources = List.of(owned);
        HealthServer endpoint = HealthServer.off();
        try {
            Map<String, Object> client = KafkaSettings.clientProperties(settings, bootstrap);
            try (Admin admin = Admin.create(client)) {
                topics.check(admin, ADMIN_TIMEOUT);
            }
            endpoint = HealthServer.start(settings, identity.name());
            StreamsService service = new StreamsService(log, identity, narrator, topology, properties.apply(client), resources);
            service.healthEndpoint = endpoint.watch(service::health);
            return service;
        } catch (RuntimeException e) {
            endpoint.close();
            closeAll(log, identity, resources);
            throw e;
        }
    }

    /**
     * Waits until Kafka Streams has its partitions and is processing.
     *
     * @throws IllegalStateException when it failed or did not get there within {@code timeout}
     */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(identity.sentenceName() + " was not running after " + timeout.toSeconds() + " s (it is "
                    + streams.state() + "); check that Kafka is reachable and the consumer group " + identity.applicationId()
                    + " is not held by another instance with different settings.");
        }
        if (streams.state() != KafkaStreams.State.RUNNING && !everRunning) {
            throw new IllegalStateException(identity.sentenceName() + " stopped before it was running (" + streams.state() + ")"
                    + (failure == null ? "." : ": " + failure.getMessage()), failure);
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Ready while Kafka Streams is running, live until it stops; served on {@code health.port} when that is set. */
    public Health health() {
        return KafkaStreamsHealth.of(identity.name(), streams.state().name(), failure);
    }

    /** The error that stopped the service, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Stops processing, commits, then closes what the service owns; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        healthEndpoint.close();
        progress.shutdownNow();
        boolean clean = streams.close(CLOSE_TIMEOUT);
        closeAll(log, identity, owned);
        if (clean) {
            log.info("{} stopped. {}", identity.sentenceName(), narrator.summary());
        } else {
            log.warn("{} did not stop within {} s; some threads may still be running. {}", identity.sentenceName(),
                    CLOSE_TIMEOUT.toSeconds(), narrator.summary());
        }
    }

    private void onStateChange(KafkaStreams.State now, KafkaStreams.State before) {
        if (now == KafkaStreams.State.RUNNING) {
            if (!everRunning) {
                log.info(narrator.running());
            } else {
                log.info("{} is running again after a rebalance.", identity.sentenceName());
            }
            everRunning = true;
            settled.countDown();
        } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.PENDING_ERROR) {
            settled.countDown();
        }
    }

    private void logProgress() {
        String line = narrator.progress();
        if (line != null) {
            log.info(line);
        }
    }

    private static void closeAll(Logger log, Identity identity, List<AutoCloseable> resources) {
        for (AutoCloseable resource : new ArrayList<>(resources)) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("{} could not close {} cleanly: {}", identity.sentenceName(), resource, e.toString());
            }
        }
    }
}
