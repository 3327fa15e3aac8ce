package dev.edgevl.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.config.Settings;
import dev.edgevl.health.PrometheusText;
import dev.edgevl.health.ServiceMetrics;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.kafka.embedded.UniqueNames;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.DeadLetters;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frame sync on a real broker with exactly-once: a small fleet's frames, with clock skew, jitter, lost RGB frames,
 * frames out of order, duplicates and one unreadable message, come out as pairs a read_committed consumer sees
 * exactly once.
 */
class FrameSyncIT {
    private static final long FRAME_MICROS = 33_333;
    private static final int FRAMES_PER_SENSOR = 100;
    /** The most the default tolerance gives these 30 fps sensors: 20 ms until their periods are known, then 17 ms. */
    private static final long TOLERANCE_MICROS = 20_000;
    /** Each device's depth clock runs a little off its RGB clock. */
    private static final Map<String, Long> DEPTH_SKEW_MICROS =
            Map.of("cam-a", 3_000L, "cam-b", -6_000L, "cam-c", 11_000L);

    private static EmbeddedKafka kafka;
    private final AvroSerdes serdes = AvroSerdes.singleObject();

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.builder().start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            new TopicInstaller(admin, Optional.empty(), 30_000).ensure(Topics.withDeadLetters());
            awaitLeaders(admin, List.of(Topics.FRAMES_RGB.name(), Topics.FRAMES_AUX.name()));
        }
    }

    /**
     * A partition created a moment ago may still refuse writes; an idempotent producer that hits that with several
     * batches in flight can then retry out-of-order batches until its delivery timeout.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!admin.describeTopics(topics).allTopicNames().get().values().stream()
                .allMatch(t -> t.partitions().stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty()))) {
            assertThat(System.nanoTime())
                    .as("partition leaders of %s elected", topics)
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyNonRgbFrameComesOutExactlyOnceAndEveryPairIsWithinTolerance() throws Exception {
        Fleet fleet =
                Fleet.generate(new Random(7), Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS));
        produce(fleet, false);
        String applicationId = UniqueNames.uniqueName("frame-sync-it");
        int healthPort = freePort();
        Settings settings = Settings.of(Map.of(
                "sync.application-id",
                applicationId,
                "sync.max-wait",
                "500ms",
                "sync.check-interval",
                "100ms",
                "sync.log-interval",
                "2s",
                "kafka.state.dir",
                stateDir.toString(),
                "health.port",
                Integer.toString(healthPort)));

        List<ConsumerRecord<String, FramePair>> records;
        SyncStats stats;
        PrometheusText before = PrometheusText.parse(ServiceMetrics.scrape());
        PrometheusText after;
        try (FrameSyncApp app = FrameSyncApp.start(settings, kafka.bootstrapServers())) {
            app.awaitRunning(Duration.ofSeconds(30));
            assertThat(httpStatus(healthPort, "/health/ready"))
                    .as("ready once running")
                    .isEqualTo(200);
            assertThat(httpStatus(healthPort, "/health/live")).isEqualTo(200);
            records = readCommitted(
                    Topics.FRAMES_PAIRED.name(),
                    new StringDeserializer(),
                    serdes.valueSerde(Topics.FRAMES_PAIRED).deserializer(),
                    fleet.aux.size());
            stats = awaitNothingWaiting(app);
            after = PrometheusText.parse(httpGet(healthPort, "/metrics"));
            assertThat(internalTopics())
                    .contains(
                            applicationId + "-frame-sync-pending-changelog",
                            applicationId + "-frame-sync-frames-changelog",
                            applicationId + "-frame-sync-devices-changelog");
        }

        List<FramePair> pairs = records.stream().map(ConsumerRecord::value).toList();
        assertThat(records)
                .allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getDeviceId()));
        assertThat(pairs.stream().map(p -> id(p.getAux())))
                .as("every non-RGB frame exactly once")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        fleet.aux.stream().map(FrameSyncIT::id).toList());
        List<FramePair> withRgb = pairs.stream().filter(p -> p.getRgb() != null).toList();
        assertThat(withRgb).allSatisfy(p -> {
            assertThat(p.getRgb().getDeviceId()).isEqualTo(p.getAux().getDeviceId());
            assertThat(p.getSkewMicros()).isEqualTo(TestFrames.micros(p.getAux()) - TestFrames.micros(p.getRgb()));
            assertThat(Math.abs(p.getSkewMicros())).isLessThanOrEqualTo(TOLERANCE_MICROS);
        });
        assertThat(withRgb.stream().map(p -> id(p.getRgb()) + "+" + p.getAux().getSensorId()))
                .as("an RGB frame once per sensor")
                .doesNotHaveDuplicates();
        // Only frames whose RGB frame was lost go alone; everything else is close enough to pair.
        assertThat(withRgb).hasSize(fleet.aux.size() - fleet.lostRgb);

        assertThat(stats.auxFrames()).isEqualTo(fleet.aux.size());
        assertThat(stats.rgbFrames()).isEqualTo(fleet.rgb.size());
        assertThat(stats.pairs()).isEqualTo(withRgb.size());
        assertThat(stats.auxOnly()).isEqualTo(pairs.size() - withRgb.size());
        assertThat(stats.rgbPaired() + stats.unmatchedRgb()).isEqualTo(fleet.rgb.size());
        assertThat(stats.duplicates()).isEqualTo(2);
        assertThat(stats.late()).isZero();
        assertThat(stats.deadLetters()).isEqualTo(1);

        ConsumerRecord<byte[], byte[]> letter = readCommitted(
                        Topics.FRAMES_AUX.deadLetter().name(),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer(),
                        1)
                .get(0);
        assertThat(letter.value()).isEqualTo(Fleet.GARBAGE);
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.SOURCE_TOPIC))
                .contains(Topics.FRAMES_AUX.name());
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.STAGE)).contains(FrameSyncTopology.STAGE);

        // What /metrics said while it ran: this run's counts (the process's counters less what they were before).
        assertThat(delta(before, after, "edgevl_sync_frames_total", Map.of("modality", "rgb")))
                .isEqualTo(fleet.rgb.size());
        assertThat(delta(before, after, "edgevl_sync_frames_total", Map.of()))
                .isEqualTo(fleet.rgb.size() + fleet.aux.size());
        assertThat(delta(before, after, "edgevl_sync_pairs_total", Map.of("rgb", "matched")))
                .isEqualTo(withRgb.size());
        assertThat(delta(before, after, "edgevl_sync_duplicates_total", Map.of()))
                .isEqualTo(2);
        assertThat(delta(
                        before,
                        after,
                        "edgevl_dead_letters_total",
                        Map.of("stage", FrameSyncTopology.STAGE, "topic", Topics.FRAMES_AUX.name())))
                .as("dead letters by stage, topic and reason")
                .isEqualTo(1);
        assertThat(after.families().keySet())
                .as("Kafka Streams' own metrics and the JVM's")
                .anyMatch(name -> name.startsWith("kafka_stream_"))
                .anyMatch(name -> name.startsWith("kafka_producer_"))
                .contains("jvm_memory_used_bytes");
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    @Test
    void pairsOfFramesSentAsTheyAreCapturedAreReadableLongBeforeTheCommitInterval() throws Exception {
        Settings settings = Settings.of(Map.of(
                "sync.application-id",
                UniqueNames.uniqueName("frame-sync-live-it"),
                // Longer than the test: the pairs can only become readable by the commits frame sync asks for after
                // writing pairs (sync.commit-on-pair, on by default).
                "sync.commit-interval",
                "10m",
                "kafka.producer.transaction.timeout.ms",
                "660000",
                "kafka.state.dir",
                stateDir.resolve("live").toString()));
        try (FrameSyncApp app = FrameSyncApp.start(settings, kafka.bootstrapServers())) {
            app.awaitRunning(Duration.ofSeconds(30));
            Instant start = Instant.now().plusMillis(300).truncatedTo(ChronoUnit.MILLIS);
            Fleet fleet = Fleet.generate(new Random(11), start);
            produce(fleet, true);

            // Each device's last frames too: they are decided (by sync.max-wait) after the fleet has gone quiet.
            Set<String> expected = new HashSet<>();
            fleet.aux.forEach(frame -> expected.add(id(frame)));
            List<String> seen = new ArrayList<>();
            Deserializer<FramePair> pairs =
                    serdes.valueSerde(Topics.FRAMES_PAIRED).deserializer();
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(committedReader(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(Topics.FRAMES_PAIRED.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!seen.containsAll(expected) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        FramePair pair = pairs.deserialize(r.topic(), r.value());
                        if (!pair.getAux().getCaptureTime().isBefore(start.minusSeconds(1))) {
                            seen.add(id(pair.getAux()));
                        }
                    }
                }
            }
            assertThat(seen)
                    .as("every frame's pair readable within 30 s, with a 10-minute commit interval")
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /** Three devices at 30 fps with RGB and depth, sent in capture order as devices would, with the flaws of real ones. */
    private record Fleet(List<SensorFrame> rgb, List<SensorFrame> aux, List<SensorFrame> sendOrder, int lostRgb) {
        static final byte[] GARBAGE = "not a frame".getBytes(StandardCharsets.UTF_8);

        static Fleet generate(Random random, Instant start) {
            List<SensorFrame> rgb = new ArrayList<>();
            List<SensorFrame> aux = new ArrayList<>();
            int lost = 0;
            for (String device : new TreeSet<>(DEPTH_SKEW_MICROS.keySet())) {
                for (int i = 0; i < FRAMES_PER_SENSOR; i++) {
                    long base = i * FRAME_MICROS;
                    if (random.nextInt(33) == 0) {
                        lost++; // this RGB frame never reached Kafka
                    } else {
                        rgb.add(frame(device, "rgb0", Modality.RGB, i, start, base + jitter(random, 2_000)));
                    }
                    aux.add(frame(
                            device,
                            "depth0",
                            Modality.DEPTH,
                            i,
                            start,
                            base + DEPTH_SKEW_MICROS.get(device) + jitter(random, 3_000)));
                }
            }
            List<SensorFrame> order = new ArrayList<>(rgb);
            order.addAll(aux);
            order.sort(Comparator.comparing(SensorFrame::getCaptureTime));
            for (int i = 10; i + 1 < order.size(); i += 37) {
                Collections.swap(order, i, i + 1); // a frame overtaken by the next one
            }
            order.add(order.size() - 40, aux.get(50)); // a producer retry long after the original...
            order.add(order.size() - 20, order.get(order.size() - 30)); // ...and one right after
            return new Fleet(rgb, aux, order, lost);
        }

        private static SensorFrame frame(
                String device, String sensor, Modality modality, int sequence, Instant start, long micros) {
            SensorFrame shape = modality == Modality.RGB
                    ? TestFrames.rgb(device, sequence, 0)
                    : TestFrames.depth(device, sequence, 0);
            return SensorFrame.newBuilder(shape)
                    .setSensorId(sensor)
                    .setCaptureTime(start.plus(micros, ChronoUnit.MICROS))
                    .build();
        }

        private static long jitter(Random random, long micros) {
            return (long) (random.nextDouble() * 2 * micros - micros);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String httpGet(int port, String path) throws Exception {
        return send(port, path, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int httpStatus(int port, String path) throws Exception {
        return send(port, path, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static <T> HttpResponse<T> send(int port, String path, HttpResponse.BodyHandler<T> body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        body);
    }

    /** Sends the fleet's frames; {@code live}: each at its capture time, as a device would, rather than all at once. */
    private void produce(Fleet fleet, boolean live) throws Exception {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                1,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                30_000);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        Serializer<SensorFrame> values = serdes.valueSerde(Topics.FRAMES_RGB).serializer();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (SensorFrame frame : fleet.sendOrder) {
                if (live) {
                    long wait = frame.getCaptureTime().toEpochMilli() - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                }
                String topic =
                        frame.getModality() == Modality.RGB ? Topics.FRAMES_RGB.name() : Topics.FRAMES_AUX.name();
                // Devices stamp records at capture, which lets Kafka Streams interleave the two topics in time order.
                sent.add(producer.send(new ProducerRecord<>(
                        topic,
                        null,
                        frame.getCaptureTime().toEpochMilli(),
                        frame.getDeviceId(),
                        values.serialize(topic, frame))));
            }
            sent.add(producer.send(new ProducerRecord<>(Topics.FRAMES_AUX.name(), "cam-a", Fleet.GARBAGE)));
        }
        for (Future<RecordMetadata> record : sent) {
            record.get(); // a frame that never reached Kafka would fail the test later and less clearly
        }
    }

    private static Map<String, Object> committedReader() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
    }

    private static <K, V> List<ConsumerRecord<K, V>> readCommitted(
            String topic, Deserializer<K> keys, Deserializer<V> values, int expected) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(committedReader(), keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // A little longer, to catch anything written twice.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertThat(records).as("records read from %s", topic).hasSizeGreaterThanOrEqualTo(expected);
        return records;
    }

    private static SyncStats awaitNothingWaiting(FrameSyncApp app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (app.stats().waiting() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return app.stats();
    }

    private static Set<String> internalTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            return new HashSet<>(admin.listTopics().names().get());
        }
    }

    private static String id(SensorFrame frame) {
        return frame.getDeviceId() + "/" + frame.getSensorId() + "#" + frame.getSequence();
    }
}
