package dev.edgevl.sync;

import dev.edgevl.config.Settings;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.streams.StreamsService;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame-sync service: {@link FrameSyncTopology} with exactly-once processing, its counters and what it says of
 * them. {@link #start} returns once Kafka Streams has been started; {@link #close} stops it and commits what was
 * processed.
 */
public final class FrameSyncApp extends StreamsService {
    private static final Logger LOG = LoggerFactory.getLogger(FrameSyncApp.class);

    private final FrameSyncConfig config;
    private final SyncCounters counters = new SyncCounters();
    private final Instant started = Instant.now();
    private SyncStats lastLogged = SyncStats.ZERO;

    private FrameSyncApp(FrameSyncConfig config, Settings settings, String bootstrap) {
        super(LOG, new Identity("frame sync", config.applicationId(), "no frames are paired", config.logInterval()));
        this.config = config;
        AvroSerdes serdes = AvroSerdes.fromSettings(settings);
        start(
                settings,
                bootstrap,
                FrameSyncTopology.REQUIRED_TOPICS,
                FrameSyncTopology.build(config, serdes, counters),
                config.commitInterval(),
                serdes);
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

    /** Counts since start, across all stream threads. */
    public SyncStats stats() {
        return counters.snapshot();
    }

    public FrameSyncConfig config() {
        return config;
    }

    @Override
    protected String running() {
        return "Frame sync is running: pairing each device's frames.rgb and frames.aux frames within "
                + config.toleranceDescription() + " into frames.paired, exactly once, as application "
                + config.applicationId() + ".";
    }

    @Override
    protected synchronized String progress() {
        SyncStats now = stats();
        SyncStats delta = now.minus(lastLogged);
        lastLogged = now;
        return delta.equals(SyncStats.ZERO) ? null : delta.sentence(config.logInterval());
    }

    @Override
    protected String summary() {
        return stats().sentence(Duration.between(started, Instant.now()));
    }
}
