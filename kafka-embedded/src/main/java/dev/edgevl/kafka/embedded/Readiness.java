package dev.edgevl.kafka.embedded;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Waits until a client can use the broker: it answers describeCluster, and its controller accepts a topic.
 * The topic is only validated, never created, so a reused data dir collects no probe topics; the controller
 * still has to place the replica, which fails until the broker is registered and unfenced.
 */
final class Readiness {

    static final String PROBE_TOPIC = "edgevl-readiness-probe";
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    private Readiness() {}

    /** @throws IllegalStateException when the broker is not usable by {@code deadline} */
    static void await(String bootstrapServers, Instant deadline) {
        await(bootstrapServers, Map.of(), deadline);
    }

    /** @param client how to reach the broker besides its address (credentials, TLS) */
    static void await(String bootstrapServers, Map<String, Object> client, Instant deadline) {
        Map<String, Object> config = new java.util.HashMap<>(client);
        config.putAll(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "edgevl-embedded-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000));
        Throwable lastFailure = null;
        try (Admin admin = Admin.create(config)) {
            while (true) {
                long remainingMs = Duration.between(Instant.now(), deadline).toMillis();
                if (remainingMs <= 0) {
                    break;
                }
                try {
                    admin.describeCluster().nodes().get(remainingMs, TimeUnit.MILLISECONDS);
                    admin.createTopics(
                                    List.of(new NewTopic(PROBE_TOPIC, 1, (short) 1)),
                                    new CreateTopicsOptions().validateOnly(true))
                            .all()
                            .get(
                                    Math.max(
                                            1,
                                            Duration.between(Instant.now(), deadline)
                                                    .toMillis()),
                                    TimeUnit.MILLISECONDS);
                    return;
                } catch (ExecutionException e) {
                    lastFailure = e.getCause();
                } catch (TimeoutException e) {
                    lastFailure = e;
                    break;
                }
                Thread.sleep(RETRY_PAUSE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "Interrupted while waiting for the Kafka broker at " + bootstrapServers + " to answer.", e);
        }
        String why = lastFailure == null
                ? "no answer"
                : lastFailure.getClass().getSimpleName() + ": " + lastFailure.getMessage();
        throw new IllegalStateException(
                "The Kafka broker at " + bootstrapServers
                        + " started but did not answer describeCluster and accept a test topic in time (" + why + ").",
                lastFailure);
    }
}
