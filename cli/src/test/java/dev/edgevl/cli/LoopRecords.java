package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the whole loop wrote, read back for the fault tests: frames, pairs and annotations by frame, device reports. */
final class LoopRecords {
    private LoopRecords() {}

    static long countAfter(String bootstrap, String topic, Instant after) {
        long count = 0;
        try (KafkaConsumer<String, byte[]> consumer = reader(bootstrap)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (count == 0 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.timestamp() > after.toEpochMilli()) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    /** Each device's latest report made after {@code after}. */
    static Map<String, DeviceStatus> latestStatus(String bootstrap, AvroSerdes serdes, Instant after) {
        Map<String, DeviceStatus> latest = new TreeMap<>();
        Set<String> devices = new HashSet<>();
        var decode = serdes.valueSerde(Topics.FLEET_STATUS).deserializer();
        try (KafkaConsumer<String, byte[]> consumer = reader(bootstrap)) {
            consumer.subscribe(List.of(Topics.FLEET_STATUS.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && (latest.isEmpty() || !latest.keySet().containsAll(devices))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    DeviceStatus status;
                    try {
                        status = decode.deserialize(r.topic(), r.value());
                    } catch (RuntimeException poison) {
                        continue;
                    }
                    devices.add(status.getDeviceId());
                    if (status.getReportTime().isAfter(after)
                            && status.getReportTime().isBefore(after.plus(Duration.ofDays(1)))) {
                        latest.put(status.getDeviceId(), status);
                    }
                }
            }
        }
        return latest;
    }

    static String frameId(SensorFrame f) {
        return f.getDeviceId() + "/" + f.getSensorId() + "#" + f.getSequence();
    }

    /** The decodable frames of frames.aux captured before {@code cutoff}, by device/sensor#sequence. */
    static Set<String> auxFramesBefore(String bootstrap, AvroSerdes serdes, Instant cutoff) {
        Set<String> ids = new HashSet<>();
        readAll(bootstrap, Topics.FRAMES_AUX.name(), r -> {
            SensorFrame f = serdes.valueSerde(Topics.FRAMES_AUX).deserializer().deserialize(r.topic(), r.value());
            if (f.getCaptureTime().isBefore(cutoff)) {
                ids.add(frameId(f));
            }
        });
        return ids;
    }

    /** How often each non-RGB frame is the non-RGB frame of a committed pair. */
    static Map<String, Long> pairedAuxFrames(String bootstrap, AvroSerdes serdes) {
        Map<String, Long> counts = new HashMap<>();
        readAll(bootstrap, Topics.FRAMES_PAIRED.name(), r -> {
            SensorFrame f = serdes.valueSerde(Topics.FRAMES_PAIRED)
                    .deserializer()
                    .deserialize(r.topic(), r.value())
                    .getAux();
            counts.merge(frameId(f), 1L, Long::sum);
        });
        return counts;
    }

    /** Every committed record of {@code topic} up to its end now, skipping the ones {@code each} cannot decode. */
    static void readAll(String bootstrap, String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
        try (KafkaConsumer<String, byte[]> consumer = reader(bootstrap)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime()).as("%s read to its end", topic).isLessThan(deadline);
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        each.accept(r);
                    } catch (RuntimeException poison) {
                        // the poison this test wrote
                    }
                }
            }
        }
    }

    static KafkaConsumer<String, byte[]> reader(String bootstrap) {
        return new KafkaConsumer<>(
                Map.of(
                        "bootstrap.servers",
                        bootstrap,
                        "group.id",
                        "poison-it-" + System.nanoTime(),
                        "auto.offset.reset",
                        "earliest",
                        "isolation.level",
                        "read_committed",
                        "max.partition.fetch.bytes",
                        Topics.MAX_MODEL_MESSAGE_BYTES),
                new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    /** How often each non-RGB frame is the frame of a committed annotation. */
    static Map<String, Long> annotatedAuxFrames(String bootstrap, AvroSerdes serdes) {
        Map<String, Long> counts = new HashMap<>();
        readAll(bootstrap, Topics.FRAMES_ANNOTATED.name(), r -> {
            Annotation a =
                    serdes.valueSerde(Topics.FRAMES_ANNOTATED).deserializer().deserialize(r.topic(), r.value());
            counts.merge(a.getDeviceId() + "/" + a.getAuxSensorId() + "#" + a.getAuxSequence(), 1L, Long::sum);
        });
        return counts;
    }
}
