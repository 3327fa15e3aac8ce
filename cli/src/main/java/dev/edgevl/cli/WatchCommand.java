package dev.edgevl.cli;

import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A decoding console consumer for the catalogue's topics. */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Print a topic's records as they arrive, decoded, one line each (pixels left out).",
            "Reads committed records only, without joining a consumer group, so it disturbs nothing."
        })
final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Parameters(
            paramLabel = "TOPIC",
            description = "A topic of the catalogue, e.g. frames.paired ('edgevl topics list').")
    String topicName;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of new ones.")
    boolean fromBeginning;

    @Option(
            names = {"-e", "--to-end"},
            description = "Stop at the topic's end as it was when the command started (with --from-beginning: print"
                    + " the whole topic once).")
    boolean toEnd;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "N",
            description = "Stop after N records. Default: until Ctrl-C.")
    Long count;

    @Override
    public Integer call() throws Exception {
        Topic<String, ?> topic = Topics.byName(topicName)
                .orElseThrow(() -> new IllegalArgumentException(
                        "'" + topicName + "' is not a topic of the catalogue; 'edgevl topics list' shows them."));
        Settings settings = cluster.settings();
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> props = new HashMap<>(KafkaSettings.clientProperties(settings, cluster.bootstrap));
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        props.put("enable.auto.commit", false);
        StopSignal signal = new StopSignal();
        long seen = 0;
        try (AvroSerdes serdes = AvroSerdes.fromSettings(settings);
                KafkaConsumer<String, byte[]> consumer =
                        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            Deserializer<?> values = serdes.valueSerde(topic).deserializer();
            consumer.assign(consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList());
            if (fromBeginning) {
                consumer.seekToBeginning(consumer.assignment());
            } else {
                consumer.seekToEnd(consumer.assignment());
            }
            Map<TopicPartition, Long> end = toEnd ? consumer.endOffsets(consumer.assignment()) : Map.of();
            while (!signal.stopped() && (count == null || seen < count)) {
                if (toEnd && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    break;
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    out.println(record.key() + "  " + describe(values, record));
                    if (count != null && ++seen >= count) {
                        break;
                    }
                }
                out.flush();
            }
        } finally {
            signal.cleanedUp();
        }
        return 0;
    }

    private static String describe(Deserializer<?> values, ConsumerRecord<String, byte[]> record) {
        try {
            return RecordSummary.of(values.deserialize(record.topic(), record.value()));
        } catch (RuntimeException e) {
            return "UNREADABLE: " + e.getMessage();
        }
    }
}
