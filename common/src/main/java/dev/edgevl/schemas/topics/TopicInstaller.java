package dev.edgevl.schemas.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the catalogue's topics on a cluster, idempotently: topics that exist are left alone and
 * reported, with a note when their partition count differs from the catalogue's.
 */
public final class TopicInstaller {
    /** What happened to one topic. */
    public enum Outcome {
        CREATED,
        EXISTED
    }

    public record Result(Topic<?, ?> topic, Outcome outcome, int partitions, Optional<String> note) {}

    private final Admin admin;
    private final Optional<Short> replicationFactor;
    private final long timeoutMs;

    /** Every catalogue topic and its dead-letter topic on the cluster at {@code bootstrapServers}, with the broker's defaults. */
    public static List<Result> ensureCatalogue(String bootstrapServers) {
        try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", bootstrapServers))) {
            return new TopicInstaller(admin, Optional.empty(), 30_000).ensure(Topics.withDeadLetters());
        }
    }

    /** {@code replicationFactor} empty means the broker's {@code default.replication.factor}. */
    public TopicInstaller(Admin admin, Optional<Short> replicationFactor, long timeoutMs) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
        this.timeoutMs = timeoutMs;
    }

    public List<Result> ensure(Collection<? extends Topic<?, ?>> topics) {
        Set<String> existing = get(admin.listTopics().names(), "list the topics");
        List<NewTopic> missing = topics.stream()
                .filter(t -> !existing.contains(t.name()))
                .map(t -> new NewTopic(t.name(), Optional.of(t.partitions()), replicationFactor).configs(t.configs()))
                .toList();
        Map<String, KafkaFuture<Void>> created =
                missing.isEmpty() ? Map.of() : admin.createTopics(missing).values();
        List<String> lostRace = new ArrayList<>();
        created.forEach((name, future) -> {
            try {
                future.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    lostRace.add(name); // someone else created it meanwhile: fine, that is what we wanted
                } else {
                    throw new IllegalStateException(
                            "Could not create topic " + name + ": "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic " + name, e);
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "The cluster did not confirm topic " + name + " within " + timeoutMs + " ms.", e);
            }
        });

        awaitLeaders(created.keySet());

        List<String> toDescribe = topics.stream()
                .map(Topic::name)
                .filter(n -> existing.contains(n) || lostRace.contains(n))
                .toList();
        Map<String, TopicDescription> descriptions = toDescribe.isEmpty()
                ? Map.of()
                : get(admin.describeTopics(toDescribe).allTopicNames(), "describe the existing topics");
        List<Result> results = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            TopicDescription description = descriptions.get(topic.name());
            if (description == null) {
                results.add(new Result(topic, Outcome.CREATED, topic.partitions(), Optional.empty()));
            } else {
                int actual = description.partitions().size();
                Optional<String> note = actual == topic.partitions()
                        ? Optional.empty()
                        : Optional.of("has " + actual + " partitions, the catalogue asks for " + topic.partitions());
                results.add(new Result(topic, Outcome.EXISTED, actual, note));
            }
        }
        return results;
    }

    /**
     * Returns once every partition of the new topics has a leader. A producer that sends in the moment
     * between creation and leader election gets NOT_LEADER errors, and an idempotent one can then
     * stall on sequence errors until its delivery timeout; waiting here spares every caller that.
     */
    private void awaitLeaders(Collection<String> names) {
        if (names.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            Map<String, TopicDescription> described;
            try {
                described = get(admin.describeTopics(names).allTopicNames(), "describe the new topics");
            } catch (IllegalStateException notYetVisible) {
                described = Map.of();
            }
            boolean ready = described.size() == names.size()
                    && described.values().stream().allMatch(d -> d.partitions().stream()
                            .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The new topics " + names + " had no leader for every partition after "
                        + timeoutMs + " ms; is every broker of the cluster up?");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for topic leaders.", e);
            }
        }
    }

    private <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what + ".", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "The cluster did not answer within " + timeoutMs + " ms when asked to " + what
                            + "; is the bootstrap address right and the cluster up?",
                    e);
        }
    }
}
