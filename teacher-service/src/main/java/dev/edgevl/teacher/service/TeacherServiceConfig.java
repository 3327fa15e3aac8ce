package dev.edgevl.teacher.service;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.streams.StreamsService;
import dev.edgevl.teacher.requests.Batching;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The teacher service's Kafka Streams settings, read once from {@link Settings}; the model itself is
 * {@link dev.edgevl.model.teacher.TeacherConfig}'s. Other Kafka Streams or client properties pass through
 * with the {@code kafka.} prefix.
 *
 * @param batchSize requests the teacher embeds in one call when they arrive fast enough
 * @param maxWait the longest a request waits for its batch to fill, in wall-clock time
 */
public record TeacherServiceConfig(
        String applicationId, int batchSize, Duration maxWait, Duration commitInterval, Duration logInterval) {

    public static final ConfigOption<String> APPLICATION_ID = ConfigOption.string(
            "teacher.application-id",
            "edgevl-teacher",
            "Kafka Streams application id of the teacher service: the consumer group, and the prefix of its changelog topics.");
    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOption.integer(
            "teacher.batch.size",
            16,
            "Requests the teacher embeds in one call; a batch is sent as soon as it is full.");
    public static final ConfigOption<Duration> MAX_WAIT = ConfigOption.duration(
            "teacher.batch.max-wait",
            Duration.ofMillis(200),
            "How often a batch that is not full is sent anyway, so a quiet stream's requests do not wait for company.");
    public static final ConfigOption<Duration> COMMIT_INTERVAL = ConfigOption.duration(
            "teacher.commit-interval",
            Duration.ofMillis(100),
            "Kafka Streams commit interval. With exactly-once, embeddings become visible to read_committed consumers only at a commit.");
    public static final ConfigOption<Duration> LOG_INTERVAL = ConfigOption.duration(
            "teacher.log-interval",
            Duration.ofSeconds(30),
            "How often the teacher service logs what it embedded and dead-lettered.");

    public static final List<ConfigOption<?>> OPTIONS =
            List.of(APPLICATION_ID, BATCH_SIZE, MAX_WAIT, COMMIT_INTERVAL, LOG_INTERVAL);

    public TeacherServiceConfig {
        APPLICATION_ID.check(applicationId != null && !applicationId.isBlank(), "must not be blank");
        BATCH_SIZE.check(batchSize >= 1, "must be at least 1");
        MAX_WAIT.check(isPositive(maxWait), "must be positive");
        COMMIT_INTERVAL.check(isPositive(commitInterval), "must be positive");
        LOG_INTERVAL.check(isPositive(logInterval), "must be positive");
    }

    public static TeacherServiceConfig from(Settings settings) {
        return new TeacherServiceConfig(
                settings.get(APPLICATION_ID),
                settings.get(BATCH_SIZE),
                settings.get(MAX_WAIT),
                settings.get(COMMIT_INTERVAL),
                settings.get(LOG_INTERVAL));
    }

    public Batching batching() {
        return new Batching(batchSize, maxWait);
    }

    public static TeacherServiceConfig defaults() {
        return from(Settings.empty());
    }

    /**
     * The Kafka Streams properties: {@code clientProperties} with this service's own settings on top, so exactly-once
     * cannot be switched off by a stray passthrough key.
     */
    public Properties streamsProperties(Map<String, Object> clientProperties) {
        return StreamsService.exactlyOnce(clientProperties, applicationId, commitInterval);
    }

    public static Properties streamsProperties(Settings settings, String bootstrap) {
        return from(settings).streamsProperties(KafkaSettings.clientProperties(settings, bootstrap));
    }

    private static boolean isPositive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }
}
