package dev.edgevl.distill.service;

import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/** The topics a service reads and writes, checked before it starts so a missing one is named, not waited on. */
public final class RequiredTopics {
    static final List<String> NAMES = List.of(Topics.TEACHER_REQUESTS.name(), Topics.TEACHER_EMBEDDINGS.name(),
            Topics.TEACHER_REQUESTS.deadLetter().name(), Topics.LABELS.name(), Topics.LABELS_EMBEDDED.name(),
            Topics.LABELS.deadLetter().name());

    private RequiredTopics() {
    }

    /** @throws IllegalStateException naming what is missing */
    static void check(Admin admin, Duration timeout) {
        check(admin, timeout, "The teacher service", NAMES);
    }

    /**
     * @param who the service, as the subject of a sentence ("The distiller")
     * @throws IllegalStateException naming what is missing
     */
    public static void check(Admin admin, Duration timeout, String who, List<String> names) {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the topics of " + who.toLowerCase(java.util.Locale.ROOT) + ".", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(who + " could not check its topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout.toSeconds() + " s when " + who.toLowerCase(java.util.Locale.ROOT) + " checked its "
                    + "topics; is the bootstrap address right and the cluster up?", e);
        }
        List<String> missing = names.stream().filter(name -> !existing.contains(name)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(who + " needs the topics " + String.join(", ", missing) + ", which do not exist; "
                    + "create the catalogue's topics first (edgevl topics create).");
        }
    }
}
