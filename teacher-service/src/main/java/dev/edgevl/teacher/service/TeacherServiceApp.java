package dev.edgevl.teacher.service;

import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.teacher.service.TeacherCounters;
import dev.edgevl.model.teacher.TeacherConfig;
import dev.edgevl.model.teacher.TeacherModels;
import dev.edgevl.health.Health;
import dev.edgevl.health.HealthServer;
import dev.edgevl.health.KafkaStreamsHealth;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.schemas.serde.AvroSerdes;
import java.time.Duration;
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
 * The teacher service: Kafka Streams running {@link TeacherServiceTopology} with exactly-once processing, its
 * teacher, its counters and a periodic log line. {@link #start} returns once Kafka Streams has been started;
 * {@link #close} stops it, commits what was processed and closes the teacher if the app loaded it.
 */
public final class TeacherServiceApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TeacherServiceApp.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final TeacherServiceConfig config;
    private final TeacherModel teacher;
    private final boolean ownsTeacher;
    private final AvroSerdes serdes;
    private final TeacherCounters counters = new TeacherCounters();
    private final KafkaStreams streams;
    private final ScheduledExecutorService progress;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile Throwable failure;
    private volatile boolean everRunning;
    private TeacherCounters.Snapshot lastLogged = TeacherCounters.Snapshot.ZERO;
    private HealthServer healthEndpoint = HealthServer.off();
    private boolean closed;

    private TeacherServiceApp(TeacherServiceConfig config, TeacherConfig teacherConfig, TeacherModel teacher, boolean ownsTeacher,
            Properties streamsProperties, AvroSerdes serdes) {
        this.config = config;
        this.teacher = teacher;
        this.ownsTeacher = ownsTeacher;
        this.serdes = serdes;
        this.streams = new KafkaStreams(TeacherServiceTopology.build(teacher, teacherConfig.inputSpec(teacher.imageSize()), config.batching(),
                serdes, counters), streamsProperties);
        streams.setStateListener(this::onStateChange);
        streams.setUncaughtExceptionHandler(error -> {
            failure = error;
            LOG.error("The teacher service stopped on an unexpected error; no requests or labels are embedded until it is restarted. "
                    + "The cause follows.", error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        try {
            streams.start();
        } catch (RuntimeException e) {
            streams.close(CLOSE_TIMEOUT);
            throw e;
        }
        this.progress = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "teacher-progress");
            thread.setDaemon(true);
            return thread;
        });
        long every = config.logInterval().toMillis();
        progress.scheduleAtFixedRate(this::logProgress, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Checks the topics, loads the teacher the {@code teacher.*} settings name and starts the service against
     * {@code bootstrap} (or {@code kafka.bootstrap.servers} when null).
     */
    public static TeacherServiceApp start(Settings settings, String bootstrap) {
        checkTopics(settings, bootstrap);
        TeacherModel teacher = TeacherModels.load(settings);
        try {
            return start(settings, bootstrap, teacher, true);
        } catch (RuntimeException e) {
            teacher.close();
            throw e;
        }
    }

    /** Starts the service with a teacher the caller already has, and keeps owning. */
    public static TeacherServiceApp start(Settings settings, String bootstrap, TeacherModel teacher) {
        checkTopics(settings, bootstrap);
        return start(settings, bootstrap, teacher, false);
    }

    private static TeacherServiceApp start(Settings settings, String bootstrap, TeacherModel teacher, boolean ownsTeacher) {
        TeacherServiceConfig config = TeacherServiceConfig.from(settings);
        Map<String, Object> client = KafkaSettings.clientProperties(settings, bootstrap);
        AvroSerdes serdes = AvroSerdes.fromSettings(settings);
        HealthServer endpoint = HealthServer.start(settings, "the teacher service");
        try {
            TeacherServiceApp app = new TeacherServiceApp(config, TeacherConfig.from(settings), teacher, ownsTeacher,
                    config.streamsProperties(client), serdes);
            app.healthEndpoint = endpoint.watch(app::health);
            return app;
        } catch (RuntimeException e) {
            endpoint.close();
            closeQuietly(serdes);
            throw e;
        }
    }

    private static void checkTopics(Settings settings, String bootstrap) {
        try (Admin admin = Admin.create(KafkaSettings.clientProperties(settings, bootstrap))) {
            TeacherServiceTopology.REQUIRED_TOPICS.check(admin, ADMIN_TIMEOUT);
        }
    }

    /**
     * Waits until Kafka Streams has its partitions and is processing.
     *
     * @throws IllegalStateException when it failed or did not get there within {@code timeout}
     */
    public TeacherServiceApp awaitRunning(Duration timeout) throws InterruptedException {
        if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("The teacher service was not running after " + timeout.toSeconds() + " s (it is "
                    + streams.state() + "); check that Kafka is reachable and the consumer group " + config.applicationId()
                    + " is not held by another instance with different settings.");
        }
        if (streams.state() != KafkaStreams.State.RUNNING && !everRunning) {
            throw new IllegalStateException("The teacher service stopped before it was running (" + streams.state() + ")"
                    + (failure == null ? "." : ": " + failure.getMessage()), failure);
        }
        return this;
    }

    public TeacherCounters.Snapshot stats() {
        return counters.snapshot();
    }

    public TeacherModel teacher() {
        return teacher;
    }

    public TeacherServiceConfig config() {
        return config;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Ready while Kafka Streams is running, live until it stops; served on {@code health.port} when that is set. */
    public Health health() {
        return KafkaStreamsHealth.of("the teacher service", streams.state().name(), failure);
    }

    /** The error that stopped the service, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Stops processing, commits, closes the serdes and, if the app loaded it, the teacher; safe to call twice. */
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
        if (ownsTeacher) {
            teacher.close();
        }
        if (clean) {
            LOG.info("The teacher service stopped. Since start: {}", stats().sentence());
        } else {
            LOG.warn("The teacher service did not stop within {} s; some threads may still be running. Since start: {}",
                    CLOSE_TIMEOUT.toSeconds(), stats().sentence());
        }
    }

    private void onStateChange(KafkaStreams.State now, KafkaStreams.State before) {
        if (now == KafkaStreams.State.RUNNING) {
            if (!everRunning) {
                LOG.info("The teacher service is running as application {}: teacher {} embeds teacher.requests into teacher.embeddings "
                        + "(batches of up to {}, at least every {} ms) and labels into labels.embedded, exactly once.",
                        config.applicationId(), teacher.id(), config.batchSize(), config.maxWait().toMillis());
            } else {
                LOG.info("The teacher service is running again after a rebalance.");
            }
            everRunning = true;
            settled.countDown();
        } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.PENDING_ERROR) {
            settled.countDown();
        }
    }

    private synchronized void logProgress() {
        TeacherCounters.Snapshot now = stats();
        TeacherCounters.Snapshot delta = now.minus(lastLogged);
        lastLogged = now;
        if (!delta.equals(TeacherCounters.Snapshot.ZERO)) {
            LOG.info("In the last {} s: {}", config.logInterval().toSeconds(), delta.sentence());
        }
    }

    private static void closeQuietly(AvroSerdes serdes) {
        try {
            serdes.close();
        } catch (Exception e) {
            LOG.warn("The teacher service could not close its serdes cleanly: {}", e.toString());
        }
    }
}
