package dev.edgevl.cli;

import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.TopicInstaller;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** How topics are shown to people. */
final class TopicOutput {
    private TopicOutput() {}

    static void printInstalled(PrintWriter out, List<TopicInstaller.Result> results) {
        long created = results.stream()
                .filter(r -> r.outcome() == TopicInstaller.Outcome.CREATED)
                .count();
        out.printf("Topics: %d created, %d already there.%n", created, results.size() - created);
        Table table = new Table("TOPIC", "", "PARTITIONS", "CLEANUP", "RETENTION", "VALUE");
        for (TopicInstaller.Result r : results) {
            Topic<?, ?> t = r.topic();
            table.row(
                    t.name(),
                    r.outcome() == TopicInstaller.Outcome.CREATED ? "created" : "existed",
                    r.partitions(),
                    t.cleanupPolicy().kafkaName(),
                    retention(t),
                    valueName(t) + r.note().map(n -> "  (note: " + n + ")").orElse(""));
        }
        table.print(out);
    }

    static String retention(Topic<?, ?> topic) {
        return topic.retention()
                .map(TopicOutput::human)
                .orElse(topic.cleanupPolicy().kafkaName().equals("compact") ? "latest per key" : "broker default");
    }

    static String valueName(Topic<?, ?> topic) {
        return topic.valueType() == byte[].class
                ? "raw bytes + reason headers"
                : topic.valueType().getSimpleName();
    }

    static String human(Duration d) {
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + "h";
        }
        if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
            return d.toMinutes() + "m";
        }
        return d.toSeconds() + "s";
    }
}
