package dev.edgevl.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * The topics a service reads and writes, checked before it starts: a missing topic is named at once instead of waited
 * on, and topics a service joins by key must have as many partitions as each other, or some keys never meet.
 *
 * @param who            the service, as the subject of a sentence ("Frame sync")
 * @param names          the topics it needs
 * @param samePartitions pairs of topics (names) that must have the same number of partitions, and why, as a clause
 */
public record RequiredTopics(String who, List<String> names, List<SamePartitions> samePartitions) {

    /** Two topics joined by key, and what goes wrong when their partition counts differ. */
    public record SamePartitions(String first, String second, String because) {}

    public RequiredTopics {
        names = List.copyOf(names);
        samePartitions = List.copyOf(samePartitions);
    }

    public static RequiredTopics of(String who, Topic... topics) {
        return new RequiredTopics(who, Arrays.stream(topics).map(Topic::name).toList(), List.of());
    }

    /** These topics and {@code topic}'s dead-letter topic too. */
    public RequiredTopics withDeadLetters(Topic... topics) {
        List<String> all = new ArrayList<>(names);
        Arrays.stream(topics).map(t -> t.deadLetter().name()).forEach(all::add);
        return new RequiredTopics(who, all, samePartitions);
    }

    /** These topics, where {@code first} and {@code second} must have the same number of partitions {@code because} … */
    public RequiredTopics samePartitions(Topic first, Topic second, String because) {
        List<SamePartitions> all = new ArrayList<>(samePartitions);
        all.add(new SamePartitions(first.name(), second.name(), because));
        return new RequiredTopics(who, names, all);
    }

    /** What is wrong, as sentences, given each existing topic's partition count; empty when the service can start. */
    public List<String> problems(Map<String, Integer> partitions) {
        List<String> problems = new ArrayList<>();
        List<String> missing =
                names.stream().filter(name -> !partitions.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            problems.add(who + " needs the topics " + String.join(", ", missing)
                    + ", which do not exist; create the catalogue's topics " + "first (edgevl topics create).");
        }
        for (SamePartitions same : samePartitions) {
            Integer first = partitions.get(same.first());
            Integer second = partitions.get(same.second());
            if (first != null && second != null && !first.equals(second)) {
                problems.add(same.first() + " has " + first + " partitions but " + same.second() + " has " + second
                        + "; " + same.because() + ".");
            }
        }
        return problems;
    }

    /** @throws IllegalStateException naming what is missing or mismatched, or why the check could not be made */
    public void check(Admin admin, Duration timeout) {
        String subject = who.toLowerCase(Locale.ROOT);
        Map<String, Integer> partitions = new TreeMap<>();
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<String> present = names.stream().filter(existing::contains).toList();
            if (!present.isEmpty()) {
                Map<String, TopicDescription> described =
                        admin.describeTopics(present).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                described.forEach((name, description) ->
                        partitions.put(name, description.partitions().size()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the topics of " + subject + ".", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    who + " could not check its topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka did not answer within " + timeout.toSeconds() + " s when " + subject
                            + " checked its topics; is the bootstrap address right and the cluster up?",
                    e);
        }
        List<String> problems = problems(partitions);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join(" ", problems));
        }
    }
}
