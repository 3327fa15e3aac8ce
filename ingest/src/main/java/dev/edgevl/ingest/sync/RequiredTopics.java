package dev.edgevl.ingest.sync;

import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * The topics frame sync reads and writes, checked before it starts: Kafka Streams would otherwise fail later
 * and less clearly, and would silently never pair a device whose RGB and non-RGB frames land in differently
 * numbered partitions.
 */
final class RequiredTopics {
    static final List<String> NAMES = List.of(Topics.FRAMES_RGB.name(), Topics.FRAMES_AUX.name(), Topics.FRAMES_PAIRED.name(),
            Topics.FRAMES_RGB.deadLetter().name(), Topics.FRAMES_AUX.deadLetter().name());

    private RequiredTopics() {
    }

    /** What is wrong, as sentences, given each existing topic's partition count; empty when frame sync can start. */
    static List<String> problems(Map<String, Integer> partitions) {
        List<String> problems = new ArrayList<>();
        List<String> missing = NAMES.stream().filter(name -> !partitions.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            problems.add("Frame sync needs the topics " + String.join(", ", missing) + ", which do not exist; create the "
                    + "catalogue's topics first (edgevl topics create).");
        }
        Integer rgb = partitions.get(Topics.FRAMES_RGB.name());
        Integer aux = partitions.get(Topics.FRAMES_AUX.name());
        if (rgb != null && aux != null && !rgb.equals(aux)) {
            problems.add(Topics.FRAMES_RGB.name() + " has " + rgb + " partitions but " + Topics.FRAMES_AUX.name() + " has " + aux
                    + "; a device's RGB and non-RGB frames only meet when both topics have the same number of partitions.");
        }
        return problems;
    }

    /** @throws IllegalStateException naming what is missing or mismatched */
    static void check(Admin admin, Duration timeout) {
        Map<String, Integer> partitions = new TreeMap<>();
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<String> present = NAMES.stream().filter(existing::contains).toList();
            if (!present.isEmpty()) {
                Map<String, TopicDescription> described = admin.describeTopics(present).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                described.forEach((name, description) -> partitions.put(name, description.partitions().size()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking frame sync's topics.", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Frame sync could not check its topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout.toSeconds() + " s when frame sync checked its "
                    + "topics; is the bootstrap address right and the cluster up?", e);
        }
        List<String> problems = problems(partitions);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join(" ", problems));
        }
    }
}
