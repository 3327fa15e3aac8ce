package dev.edgevl.cli;

import dev.edgevl.avro.LabelAction;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.console.LabelWriter;
import dev.edgevl.model.zeroshot.Prompts;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.sim.world.Shape;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The live label vocabulary, for people: label events in, the teacher's embedded labels out. */
@Command(
        name = "labels",
        mixinStandardHelpOptions = true,
        description = {
            "The live label vocabulary. 'add' and 'remove' write to labels; the teacher service ('edgevl teacher serve')",
            "turns them into labels.embedded, which 'list' reads."
        },
        subcommands = {LabelsCommand.Add.class, LabelsCommand.Remove.class, LabelsCommand.ListLabels.class})
final class LabelsCommand implements Runnable {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Adds a label to the vocabulary (or replaces its prompt templates).")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Parameters(paramLabel = "LABEL", description = "The label, as people write it, e.g. forklift.")
        String label;

        @Option(
                names = "--template",
                paramLabel = "T",
                description =
                        "A prompt template with {} where the label goes, e.g. \"a depth image of a {}\". Repeatable. "
                                + "Default: the service's templates (\"a photo of a {}\", \"a picture of a {}\", \"a {}\", \"there is a {} on the floor\").")
        List<String> templates = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            send(cluster, event(label, LabelAction.ADD, templates));
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "Label '%s' added with %s; the teacher service writes its embedding to %s.%n",
                    label,
                    templates.isEmpty()
                            ? "the " + Prompts.DEFAULT_TEMPLATES.size() + " default templates"
                            : templates.size() + " templates",
                    Topics.LABELS_EMBEDDED.name());
            out.flush();
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a label from the vocabulary.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Parameters(paramLabel = "LABEL", description = "The label to remove.")
        String label;

        @Override
        public Integer call() throws Exception {
            send(cluster, event(label, LabelAction.REMOVE, List.of()));
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "Label '%s' removed; the teacher service writes a tombstone to %s.%n",
                    label, Topics.LABELS_EMBEDDED.name());
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description =
                    "Lists the live labels: reads labels.embedded to its end (committed records only) and prints every label that has an embedding.")
    static final class ListLabels implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Override
        public Integer call() throws Exception {
            Map<String, LabelEmbedding> live = readLive(cluster);
            PrintWriter out = spec.commandLine().getOut();
            if (live.isEmpty()) {
                out.println("No live labels in " + Topics.LABELS_EMBEDDED.name()
                        + "; add one with 'edgevl labels add LABEL'.");
                out.flush();
                return 0;
            }
            Table table = new Table("LABEL", "TEACHER", "DIM", "TEMPLATES", "EMBEDDED");
            live.values()
                    .forEach(e -> table.row(
                            e.getLabel(),
                            e.getTeacherId(),
                            e.getEmbedding().size(),
                            e.getPromptTemplates().size(),
                            e.getEmbeddedTime()));
            table.print(out);
            out.printf("%d live labels.%n", live.size());
            out.flush();
            return 0;
        }
    }

    private static LabelEvent event(String label, LabelAction action, List<String> templates) {
        return LabelWriter.event(label, action, templates, System.getProperty("user.name"));
    }

    private static void send(ClusterOptions cluster, LabelEvent event) throws Exception {
        send(cluster.settings(), cluster.bootstrap, List.of(event));
    }

    /** Writes the events to {@code labels}, each acknowledged by the broker before the next; {@code bootstrap} null: the setting. */
    static void send(Settings settings, String bootstrap, List<LabelEvent> events) throws Exception {
        try (AvroSerdes serdes = AvroSerdes.fromSettings(settings)) {
            LabelWriter.send(KafkaSettings.clientProperties(settings, bootstrap), serdes, events);
        }
    }

    /** Every label with an embedding: labels.embedded read from its start to its current end, tombstones applied. */
    static Map<String, LabelEmbedding> readLive(ClusterOptions cluster) throws Exception {
        return CompactedTopics.read(cluster, Topics.LABELS_EMBEDDED, SEND_TIMEOUT);
    }

    /** The world's ten shapes, with the service's prompt templates ({@code {}} where the label goes, filled by the teacher). */
    static List<LabelEvent> defaultLabelEvents(Instant now, String author) {
        return Shape.defaultMix().stream()
                .map(label -> LabelEvent.newBuilder()
                        .setLabel(label)
                        .setAction(LabelAction.ADD)
                        .setPromptTemplates(Prompts.DEFAULT_TEMPLATES)
                        .setEventTime(now)
                        .setAuthor(author)
                        .build())
                .toList();
    }
}
