package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.DeviceHealth;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.cli.PoisonRecords.Poison;
import dev.edgevl.health.Health;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.DeadLetters;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.Topics;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poison matrix: with the whole loop running ({@code edgevl local}), every kind of bad record of
 * {@link PoisonRecords} goes into every topic of the catalogue, next to a real record of it. Every service keeps running
 * (the job never restarts), the services that own a data topic dead-letter what they cannot use, annotations and device
 * reports go on, and every command that reads a topic ({@code watch}, {@code models list}, {@code labels list}) reads
 * past the poison.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PoisonIT {
    /** The data topics and the service that dead-letters what it cannot use from each. */
    private static final Map<String, String> DEAD_LETTERED = Map.of(
            Topics.FRAMES_RGB.name(), "frame sync",
            Topics.FRAMES_AUX.name(), "frame sync",
            Topics.FRAMES_PAIRED.name(), "stream job",
            Topics.TEACHER_REQUESTS.name(), "teacher",
            Topics.LABELS.name(), "teacher");

    private record Sent(String topic, String kind, int partition, long offset) {}

    @Test
    void poisonOnEveryTopicIsSkippedByEveryReaderAndNothingStops(@TempDir Path dataDir, @TempDir Path reportDir)
            throws Exception {
        Path report = reportDir.resolve("local.json");
        RunningLocal running = RunningLocal.start(
                "--port",
                "0",
                "--data-dir",
                dataDir.toString(),
                "--scenario",
                "default",
                "--report",
                report.toString(),
                // Teacher records sooner than with the default budget, so every topic has a real record to start from.
                "--set",
                "inference.route.budget=0.1");
        LocalCommand local = running.command();
        StringWriter out = running.out();
        CompletableFuture<Integer> exit = running.exit();
        String bootstrap = local.awaitReady();
        List<Sent> sent = new ArrayList<>();
        try {
            assertThat(bootstrap).as("local is up; output so far:%n%s", out).isNotNull();
            LocalStack stack = local.stack();
            AvroSerdes serdes = AvroSerdes.singleObject();
            Map<String, ConsumerRecord<String, byte[]>> samples = firstOfEach(bootstrap, Duration.ofSeconds(180));
            assertThat(samples.keySet())
                    .as("a real record on every topic")
                    .containsAll(Topics.ALL.stream().map(Topic::name).toList());

            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", bootstrap, "max.request.size", Topics.MAX_MODEL_MESSAGE_BYTES),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                for (Topic<String, ?> topic : Topics.ALL) {
                    ConsumerRecord<String, byte[]> sample = samples.get(topic.name());
                    Topic<String, ?> other = topic == Topics.FLEET_STATUS ? Topics.LABELS : Topics.FLEET_STATUS;
                    List<Poison> poisons = new ArrayList<>(PoisonRecords.of(
                            topic, sample.value(), samples.get(other.name()).value(), serdes));
                    if (topic == Topics.MODELS) {
                        ModelVersion live = serdes.valueSerde(Topics.MODELS)
                                .deserializer()
                                .deserialize(topic.name(), sample.value());
                        poisons.add(PoisonRecords.unfitModel(live, stack.keys().keyPair(), serdes, Topics.MODELS));
                    }
                    for (Poison p : poisons) {
                        var at = producer.send(
                                        new ProducerRecord<>(topic.name(), sample.partition(), sample.key(), p.value()))
                                .get();
                        sent.add(new Sent(topic.name(), p.kind(), at.partition(), at.offset()));
                    }
                    // The real record again: a compacted topic's state is as before the poison.
                    producer.send(new ProducerRecord<>(topic.name(), sample.partition(), sample.key(), sample.value()))
                            .get();
                }
            }
            Instant poisoned = Instant.now();

            // The services that own a data topic dead-letter every poison record of it, with the reason.
            Map<String, Map<Long, String>> deadLetters = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            List<Sent> expected = sent.stream()
                    .filter(s -> DEAD_LETTERED.containsKey(s.topic()))
                    .toList();
            while (System.nanoTime() < deadline
                    && !expected.stream().allMatch(s -> deadLetters
                            .getOrDefault(s.topic(), Map.of())
                            .containsKey(s.offset()))) {
                deadLetters.putAll(deadLetters(bootstrap));
                Thread.sleep(1_000);
            }
            printMatrix(sent, deadLetters);
            assertThat(expected)
                    .as("every poison record of a data topic is dead-lettered by its service")
                    .allSatisfy(s -> assertThat(deadLetters.getOrDefault(s.topic(), Map.of()))
                            .as("%s on %s", s.kind(), s.topic())
                            .containsKey(s.offset()));

            // Nothing stopped, nothing restarted.
            Thread.sleep(10_000); // the compacted topics' readers have read past the poison by now
            Map<String, Health> health = stack.health();
            assertThat(health).as("every service still runs").allSatisfy((service, h) -> assertThat(
                            h.live() && h.ready())
                    .as("%s: %s", service, h)
                    .isTrue());
            assertThat(stack.jobFailure()).as("the stream job never restarted").isEmpty();

            // The loop goes on: annotations and device reports made after the poison, every device healthy.
            assertThat(LoopRecords.countAfter(bootstrap, Topics.FRAMES_ANNOTATED.name(), poisoned))
                    .as("annotations after the poison")
                    .isPositive();
            Map<String, DeviceStatus> reports = LoopRecords.latestStatus(bootstrap, serdes, poisoned);
            assertThat(reports).as("device reports after the poison").isNotEmpty();
            assertThat(reports.values()).allSatisfy(d -> {
                assertThat(d.getHealth()).as("%s", d).isEqualTo(DeviceHealth.OK);
                assertThat(d.getModelVersion())
                        .as("the signed model that fits no reader")
                        .isLessThan(1000L);
            });
            assertThat(stack.distiller().distiller().status().liveVersion()).isLessThan(1000L);
            assertThat(stack.distiller().distiller().catalog().list("student"))
                    .extracting(ModelVersion::getVersion)
                    .as("the distiller's catalogue")
                    .doesNotContain(1000L);

            // Frame sync paired every real non-RGB frame captured so far exactly once, poison and all (its
            // transactional producer's retries at start, logged by the broker as out-of-order sequences, included).
            Instant cutoff = Instant.now().minusSeconds(10);
            // The real records this test wrote again, and its poison copies of them, are left out (the two samples
            // may be the same frame: the paired sample can be the aux sample's pair).
            Set<String> sampleIds = Stream.of(
                            LoopRecords.frameId(serdes.valueSerde(Topics.FRAMES_AUX)
                                    .deserializer()
                                    .deserialize(
                                            "",
                                            samples.get(Topics.FRAMES_AUX.name())
                                                    .value())),
                            LoopRecords.frameId(serdes.valueSerde(Topics.FRAMES_PAIRED)
                                    .deserializer()
                                    .deserialize(
                                            "",
                                            samples.get(Topics.FRAMES_PAIRED.name())
                                                    .value())
                                    .getAux()))
                    .collect(Collectors.toSet());
            Map<String, Long> paired = LoopRecords.pairedAuxFrames(bootstrap, serdes);
            paired.keySet().removeAll(sampleIds);
            assertThat(paired.entrySet())
                    .as("pairs by their non-RGB frame")
                    .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(1L));
            Set<String> captured = LoopRecords.auxFramesBefore(bootstrap, serdes, cutoff);
            captured.removeAll(sampleIds);
            assertThat(paired.keySet()).as("every non-RGB frame paired").containsAll(captured);
            System.out.printf(
                    "Frame sync: %d non-RGB frames captured before the cutoff, %d pairs, none twice%n",
                    captured.size(), paired.size());

            // Every command that reads a topic reads past the poison, one line for each bad record.
            for (Topic<String, ?> topic : Topics.ALL) {
                EdgevlTest.Run watch = EdgevlTest.run("watch", topic.name(), "-b", bootstrap, "--from-beginning", "-e");
                assertThat(watch.exitCode())
                        .as("watch %s: %s", topic.name(), watch.err())
                        .isZero();
                assertThat(watch.out()).as("watch %s", topic.name()).contains("UNREADABLE");
            }
            EdgevlTest.Run models = EdgevlTest.run(
                    "models", "list", "--store", dataDir.resolve("models").toString(), "-b", bootstrap);
            assertThat(models.exitCode()).as(models.err()).isZero();
            assertThat(models.out()).contains("v0");
            EdgevlTest.Run labels = EdgevlTest.run("labels", "list", "-b", bootstrap);
            assertThat(labels.exitCode()).as(labels.err()).isZero();
            assertThat(labels.out()).contains("live labels");
        } finally {
            local.stop();
        }
        assertThat(exit.get(120, TimeUnit.SECONDS))
                .as("local's exit; output:%n%s", out)
                .isZero();
        assertThat(out.toString()).contains("Stopped cleanly.");
    }

    /** The first committed record of every topic of the catalogue, waiting for each up to {@code timeout}. */
    private static Map<String, ConsumerRecord<String, byte[]>> firstOfEach(String bootstrap, Duration timeout) {
        Map<String, ConsumerRecord<String, byte[]>> first = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = LoopRecords.reader(bootstrap)) {
            consumer.subscribe(Topics.ALL.stream().map(Topic::name).toList());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (first.size() < Topics.ALL.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && r.key() != null) {
                        first.putIfAbsent(r.topic(), r);
                    }
                }
            }
        }
        return first;
    }

    /** Each dead-letter topic's records: the offset they came from → the reason given. */
    private static Map<String, Map<Long, String>> deadLetters(String bootstrap) {
        Map<String, Map<Long, String>> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = LoopRecords.reader(bootstrap)) {
            List<TopicPartition> partitions = Topics.ALL.stream()
                    .map(t -> new TopicPartition(t.deadLetter().name(), 0))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String source = DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC)
                            .orElse("?");
                    long offset = Long.parseLong(DeadLetters.header(r.headers(), DeadLetters.SOURCE_OFFSET)
                            .orElse("-1"));
                    out.computeIfAbsent(source, k -> new HashMap<>())
                            .put(
                                    offset,
                                    DeadLetters.header(r.headers(), DeadLetters.ERROR_MESSAGE)
                                            .orElse(""));
                }
            }
        }
        return out;
    }

    private static void printMatrix(List<Sent> sent, Map<String, Map<Long, String>> deadLetters) {
        StringBuilder table = new StringBuilder("Poison matrix (dead letter reason, or - when none was written):\n");
        for (Sent s : sent) {
            String reason = deadLetters.getOrDefault(s.topic(), Map.of()).get(s.offset());
            table.append(String.format(
                    "  %-20s %-58s %s%n",
                    s.topic(), s.kind(), reason == null ? "-" : reason.substring(0, Math.min(110, reason.length()))));
        }
        System.out.print(table);
    }
}
