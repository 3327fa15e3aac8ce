package dev.edgevl.distill.service;

import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/** The topics the teacher service reads and writes, checked before it starts so a missing one is named, not waited on. */
final class RequiredTopics {
    static final List<String> NAMES = List.of(Topics.TEACHER_REQUESTS.name(), Topics.TEACHER_EMBEDDINGS.name(),
            Topics.TEACHER_REQUESTS.deadLetter().name(), Topics.LABELS.name(), Topics.LABELS_EMBEDDED.name(),
            Topics.LABELS.deadLetter().name());

    private RequiredTopics() {
    }

    /** @throws IllegalStateException naming what is missing */
    static void check(Admin admin, Duration timeout) {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the teacher service's topics.", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The teacher service could not check its topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout.toSeconds() + " s when the teacher service checked its "
                    + "topics; is the bootstrap address right and the cluster up?", e);
        }
        List<String> missing = NAMES.stream().filter(name -> !existing.contains(name)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The teacher service needs the topics " + String.join(", ", missing) + ", which do not exist; "
                    + "create the catalogue's topics first (edgevl topics create).");
        }
    }
}
