package dev.edgevl.cli;

import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "The topic catalogue: list it, or create it on a Kafka cluster.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class})
final class TopicsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Create every topic of the catalogue and its dead-letter topic on a Kafka cluster.",
                "Idempotent: topics that exist are left as they are and reported."
            })
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Option(
                names = "--replication-factor",
                paramLabel = "N",
                description = "Replicas per partition. Default: the cluster's default.replication.factor.")
        Short replicationFactor;

        @Option(
                names = "--timeout",
                paramLabel = "SECONDS",
                defaultValue = "30",
                description = "How long to wait for the cluster (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = cluster.admin()) {
                List<TopicInstaller.Result> results = new TopicInstaller(
                                admin,
                                Optional.ofNullable(replicationFactor),
                                TimeUnit.SECONDS.toMillis(timeoutSeconds))
                        .ensure(Topics.withDeadLetters());
                TopicOutput.printInstalled(out, results);
            }
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "List the topic catalogue: names, types, layout and purpose.",
                "With --bootstrap, also says which of them exist on that cluster."
            })
    static final class ListTopics implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Set<String> existing = null;
            if (cluster.bootstrap != null) {
                try (Admin admin = cluster.admin()) {
                    existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                }
            }
            Table table = existing == null
                    ? new Table("TOPIC", "KEY", "VALUE", "PARTITIONS", "CLEANUP", "RETENTION", "WHAT")
                    : new Table("TOPIC", "EXISTS", "KEY", "VALUE", "PARTITIONS", "CLEANUP", "RETENTION", "WHAT");
            for (Topic<?, ?> t : Topics.withDeadLetters()) {
                String key = t.keyType() == String.class ? "string" : "bytes";
                if (existing == null) {
                    table.row(
                            t.name(),
                            key,
                            TopicOutput.valueName(t),
                            t.partitions(),
                            t.cleanupPolicy().kafkaName(),
                            TopicOutput.retention(t),
                            t.description());
                } else {
                    table.row(
                            t.name(),
                            existing.contains(t.name()) ? "yes" : "NO",
                            key,
                            TopicOutput.valueName(t),
                            t.partitions(),
                            t.cleanupPolicy().kafkaName(),
                            TopicOutput.retention(t),
                            t.description());
                }
            }
            table.print(out);
            return 0;
        }
    }
}
