package dev.edgevl.teacher.service;

import dev.edgevl.config.Settings;
import dev.edgevl.health.Health;
import dev.edgevl.model.teacher.TeacherConfig;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.model.teacher.TeacherModels;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.streams.StreamsService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The teacher service: {@link TeacherServiceTopology} run by a {@link StreamsService} with exactly-once processing, its
 * teacher, its counters and what it says of them. {@link #start} returns once Kafka Streams has been started;
 * {@link #close} stops it, commits what was processed and closes the teacher if the app loaded it.
 */
public final class TeacherServiceApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TeacherServiceApp.class);

    private final TeacherServiceConfig config;
    private final TeacherModel teacher;
    private final TeacherCounters counters = new TeacherCounters();
    private final StreamsService service;
    private TeacherCounters.Snapshot lastLogged = TeacherCounters.Snapshot.ZERO;

    private TeacherServiceApp(Settings settings, String bootstrap, TeacherModel teacher, boolean ownsTeacher) {
        this.config = TeacherServiceConfig.from(settings);
        this.teacher = teacher;
        AvroSerdes serdes = AvroSerdes.fromSettings(settings);
        List<AutoCloseable> owned = new ArrayList<>(List.of(serdes));
        if (ownsTeacher) {
            owned.add(teacher);
        }
        StreamsService.Narrator narrator = new StreamsService.Narrator() {
            @Override
            public String running() {
                return "The teacher service is running as application " + config.applicationId() + ": teacher " + teacher.id()
                        + " embeds teacher.requests into teacher.embeddings (batches of up to " + config.batchSize() + ", at least every "
                        + config.maxWait().toMillis() + " ms) and labels into labels.embedded, exactly once.";
            }

            @Override
            public String progress() {
                return progressSinceLast();
            }

            @Override
            public String summary() {
                return "Since start: " + stats().sentence();
            }
        };
        this.service = StreamsService.start(LOG, new StreamsService.Identity("the teacher service", config.applicationId(),
                "no requests or labels are embedded", config.logInterval()), narrator, settings, bootstrap,
                TeacherServiceTopology.REQUIRED_TOPICS, TeacherServiceTopology.build(teacher,
                        TeacherConfig.from(settings).inputSpec(teacher.imageSize()), config.batching(), serdes, counters),
                config::streamsProperties, owned.toArray(AutoCloseable[]::new));
    }

    /**
     * Checks the topics, loads the teacher the {@code teacher.*} settings name and starts the service against
     * {@code bootstrap} (or {@code kafka.bootstrap.servers} when null).
     */
    public static TeacherServiceApp start(Settings settings, String bootstrap) {
        TeacherModel teacher = TeacherModels.load(settings);
        try {
            return new TeacherServiceApp(settings, bootstrap, teacher, true);
        } catch (RuntimeException e) {
            teacher.close();
            throw e;
        }
    }

    /** Starts the service with a teacher the caller already has, and keeps owning. */
    public static TeacherServiceApp start(Settings settings, String bootstrap, TeacherModel teacher) {
        return new TeacherServiceApp(settings, bootstrap, teacher, false);
    }

    /**
     * Waits until Kafka Streams has its partitions and is processing.
     *
     * @throws IllegalStateException when it failed or did not get there within {@code timeout}
     */
    public TeacherServiceApp awaitRunning(Duration timeout) throws InterruptedException {
        service.awaitRunning(timeout);
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
        return service.state();
    }

    /** Ready while Kafka Streams is running, live until it stops; served on {@code health.port} when that is set. */
    public Health health() {
        return service.health();
    }

    /** The error that stopped the service, if one did. */
    public Optional<Throwable> failure() {
        return service.failure();
    }

    /** Stops processing, commits, closes the serdes and, if the app loaded it, the teacher; safe to call twice. */
    @Override
    public void close() {
        service.close();
    }

    private synchronized String progressSinceLast() {
        TeacherCounters.Snapshot now = stats();
        TeacherCounters.Snapshot delta = now.minus(lastLogged);
        lastLogged = now;
        return delta.equals(TeacherCounters.Snapshot.ZERO) ? null
                : "In the last " + config.logInterval().toSeconds() + " s: " + delta.sentence();
    }
}
