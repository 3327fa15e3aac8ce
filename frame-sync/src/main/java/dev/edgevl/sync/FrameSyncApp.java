package dev.edgevl.sync;

import dev.edgevl.config.Settings;
import dev.edgevl.health.Health;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.streams.StreamsService;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame-sync service: {@link FrameSyncTopology} run by a {@link StreamsService} with exactly-once processing, plus
 * its counters and what it says of them. {@link #start} returns once Kafka Streams has been started; {@link #close}
 * stops it and commits what was processed.
 */
public final class FrameSyncApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrameSyncApp.class);

    private final FrameSyncConfig config;
    private final SyncCounters counters = new SyncCounters();
    private final Instant started = Instant.now();
    private final StreamsService service;
    private SyncStats lastLogged = SyncStats.ZERO;

    private FrameSyncApp(FrameSyncConfig config, Settings settings, String bootstrap) {
        this.config = config;
        AvroSerdes serdes = AvroSerdes.fromSettings(settings);
        StreamsService.Narrator narrator = new StreamsService.Narrator() {
            @Override
            public String running() {
                return "Frame sync is running: pairing each device's frames.rgb and frames.aux frames within " + config.tolerance().toMillis()
                        + " ms into frames.paired, exactly once, as application " + config.applicationId() + ".";
            }

            @Override
            public String progress() {
                return progressSinceLast();
            }

            @Override
            public String summary() {
                return stats().sentence(Duration.between(started, Instant.now()), config.tolerance());
            }
        };
        this.service = StreamsService.start(LOG, new StreamsService.Identity("frame sync", config.applicationId(), "no frames are paired",
                config.logInterval()), narrator, settings, bootstrap, FrameSyncTopology.REQUIRED_TOPICS,
                FrameSyncTopology.build(config, serdes, counters), config::streamsProperties, serdes);
    }

    /**
     * Checks the topics and starts frame sync against the cluster at {@code bootstrap} (or
     * {@code kafka.bootstrap.servers} when null), configured by the {@code sync.*}, {@code serde.*} and
     * {@code kafka.*} settings.
     *
     * @throws IllegalStateException when a topic is missing or frames.rgb and frames.aux are partitioned differently
     */
    public static FrameSyncApp start(Settings settings, String bootstrap) {
        return new FrameSyncApp(FrameSyncConfig.from(settings), settings, bootstrap);
    }

    /**
     * Waits until Kafka Streams has its partitions and is processing.
     *
     * @throws IllegalStateException when it failed or did not get there within {@code timeout}
     */
    public FrameSyncApp awaitRunning(Duration timeout) throws InterruptedException {
        service.awaitRunning(timeout);
        return this;
    }

    /** Counts since start, across all stream threads. */
    public SyncStats stats() {
        return counters.snapshot();
    }

    public KafkaStreams.State state() {
        return service.state();
    }

    /** Ready while Kafka Streams is running, live until it stops; served on {@code health.port} when that is set. */
    public Health health() {
        return service.health();
    }

    /** The error that stopped frame sync, if one did. */
    public Optional<Throwable> failure() {
        return service.failure();
    }

    public FrameSyncConfig config() {
        return config;
    }

    /** Stops processing, commits, and closes the serdes; safe to call twice. */
    @Override
    public void close() {
        service.close();
    }

    private synchronized String progressSinceLast() {
        SyncStats now = stats();
        SyncStats delta = now.minus(lastLogged);
        lastLogged = now;
        return delta.equals(SyncStats.ZERO) ? null : delta.sentence(config.logInterval(), config.tolerance());
    }
}
