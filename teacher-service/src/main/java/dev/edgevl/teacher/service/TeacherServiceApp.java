package dev.edgevl.teacher.service;

import dev.edgevl.config.Settings;
import dev.edgevl.model.teacher.TeacherConfig;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.model.teacher.TeacherModels;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.streams.StreamsService;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The teacher service: {@link TeacherServiceTopology} with exactly-once processing, its teacher, its counters and what
 * it says of them. {@link #start} returns once Kafka Streams has been started; {@link #close} stops it, commits what
 * was processed and closes the teacher if the app loaded it.
 */
public final class TeacherServiceApp extends StreamsService {
    private static final Logger LOG = LoggerFactory.getLogger(TeacherServiceApp.class);

    private final TeacherServiceConfig config;
    private final TeacherModel teacher;
    private final TeacherCounters counters = new TeacherCounters();
    private TeacherCounters.Snapshot lastLogged = TeacherCounters.Snapshot.ZERO;

    private TeacherServiceApp(
            TeacherServiceConfig config,
            Settings settings,
            String bootstrap,
            TeacherModel teacher,
            boolean ownsTeacher) {
        super(
                LOG,
                new Identity(
                        "the teacher service",
                        config.applicationId(),
                        "no requests or labels are embedded",
                        config.logInterval()));
        this.config = config;
        this.teacher = teacher;
        AvroSerdes serdes = null;
        Topology topology;
        try {
            serdes = AvroSerdes.fromSettings(settings);
            topology = TeacherServiceTopology.build(
                    teacher,
                    TeacherConfig.from(settings).inputSpec(teacher.imageSize()),
                    config.batching(),
                    serdes,
                    counters);
        } catch (RuntimeException e) {
            if (ownsTeacher) {
                teacher.close();
            }
            throw e;
        }
        // From here on the start closes what the app owns if it fails.
        start(
                settings,
                bootstrap,
                TeacherServiceTopology.REQUIRED_TOPICS,
                topology,
                config.commitInterval(),
                ownsTeacher ? new AutoCloseable[] {serdes, teacher} : new AutoCloseable[] {serdes});
    }

    /**
     * Loads the teacher the {@code teacher.*} settings name, checks the topics and starts the service against
     * {@code bootstrap} (or {@code kafka.bootstrap.servers} when null). The app closes the teacher when it closes.
     */
    public static TeacherServiceApp start(Settings settings, String bootstrap) {
        TeacherServiceConfig config = TeacherServiceConfig.from(settings);
        return new TeacherServiceApp(config, settings, bootstrap, TeacherModels.load(settings), true);
    }

    /** Starts the service with a teacher the caller already has, and keeps owning. */
    public static TeacherServiceApp start(Settings settings, String bootstrap, TeacherModel teacher) {
        return new TeacherServiceApp(TeacherServiceConfig.from(settings), settings, bootstrap, teacher, false);
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

    @Override
    protected String running() {
        return "The teacher service is running as application " + config.applicationId() + ": teacher " + teacher.id()
                + " embeds teacher.requests into teacher.embeddings (batches of up to " + config.batchSize()
                + ", at least every "
                + config.maxWait().toMillis() + " ms) and labels into labels.embedded, exactly once.";
    }

    @Override
    protected synchronized String progress() {
        TeacherCounters.Snapshot now = stats();
        TeacherCounters.Snapshot delta = now.minus(lastLogged);
        lastLogged = now;
        return delta.equals(TeacherCounters.Snapshot.ZERO)
                ? null
                : "In the last " + config.logInterval().toSeconds() + " s: " + delta.sentence();
    }

    @Override
    protected String summary() {
        return "Since start: " + stats().sentence();
    }
}
