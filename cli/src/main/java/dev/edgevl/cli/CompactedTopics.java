package dev.edgevl.cli;

import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a compacted topic's current state: every key's latest readable value, from the start to the end it has now. A
 * value that cannot be decoded is skipped with one log line naming where it is, and leaves the key's earlier value in
 * place: what a reader that skipped it would run.
 */
final class CompactedTopics {
    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopics.class);

    private CompactedTopics() {}

    /** @throws IllegalStateException when the end is not reached within {@code timeout} */
    static <V> Map<String, V> read(ClusterOptions cluster, Topic<String, V> topic, Duration timeout) throws Exception {
        return read(cluster.settings(), cluster.bootstrap, topic, timeout);
    }

    /** @param bootstrap null for the {@code kafka.bootstrap.servers} setting */
    static <V> Map<String, V> read(Settings settings, String bootstrap, Topic<String, V> topic, Duration timeout)
            throws Exception {
        Map<String, Object> props = new HashMap<>(KafkaSettings.clientProperties(settings, bootstrap));
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", false);
        props.put("max.partition.fetch.bytes", Topics.MAX_MODEL_MESSAGE_BYTES);
        Map<String, V> live = new TreeMap<>();
        try (AvroSerdes serdes = AvroSerdes.fromSettings(settings);
                KafkaConsumer<String, byte[]> consumer =
                        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            Deserializer<V> values = serdes.valueSerde(topic).deserializer();
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic.name() + " to its end within "
                            + timeout.toSeconds() + " s; is the cluster up?");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        live.remove(record.key());
                        continue;
                    }
                    try {
                        live.put(record.key(), values.deserialize(record.topic(), record.value()));
                    } catch (SerializationException e) {
                        LOG.warn(
                                "Skipped the record at {}-{} offset {} (key '{}'): {}",
                                record.topic(),
                                record.partition(),
                                record.offset(),
                                record.key(),
                                e.getMessage());
                    }
                }
            }
        }
        return live;
    }
}
