package dev.edgevl.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts real brokers and talks to them with real clients. */
class EmbeddedKafkaIT {

    private static final Duration POLL_LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path tempDir;

    @BeforeAll
    static void tempRootExists() throws IOException {
        // The build points java.io.tmpdir at a folder of this module's own, which may not exist yet.
        Files.createDirectories(tempRoot());
    }

    @Test
    void tempDirBrokerServesIdempotentAndTransactionalClientsAndIsRemovedOnClose() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.builder().start();
        Path dataDir = kafka.dataDir();
        try {
            assertThat(kafka.ownsDataDir()).isTrue();
            assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(kafka.clusterId()).isNotBlank();
            assertThat(dataDir).isDirectory();

            String plain = UniqueNames.uniqueName("plain");
            String txn = UniqueNames.uniqueName("txn");
            createTopics(kafka, plain, txn);

            try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(plain, "k" + i, "v" + i)).get();
                }
            }
            assertThat(values(consumeAll(kafka, plain, 3, "read_uncommitted"))).containsExactly("v0", "v1", "v2");

            try (KafkaProducer<String, String> producer =
                    producer(kafka, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, UniqueNames.uniqueName("tx")))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(txn, "k", "aborted"));
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(txn, "k", "committed-1"));
                producer.send(new ProducerRecord<>(txn, "k", "committed-2"));
                producer.commitTransaction();
            }
            // read_committed hides the aborted record, which proves the transaction state topic and markers work.
            assertThat(values(consumeAll(kafka, txn, 2, "read_committed")))
                    .containsExactly("committed-1", "committed-2");
        } finally {
            kafka.close();
        }
        assertThat(dataDir).doesNotExist();
        kafka.close(); // a second close is harmless
    }

    @Test
    void givenDataDirKeepsRecordsClusterIdAndOffsetsAcrossRestart() throws Exception {
        Path dataDir = tempDir.resolve("kafka");
        String topic = UniqueNames.uniqueName("durable");
        String group = UniqueNames.uniqueName("group");
        String clusterId;
        String firstAddress;

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).start()) {
            assertThat(kafka.ownsDataDir()).isFalse();
            clusterId = kafka.clusterId();
            firstAddress = kafka.bootstrapServers();
            createTopics(kafka, topic);
            try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
                }
            }
            try (KafkaConsumer<String, String> consumer = consumer(kafka, group, "read_committed")) {
                consumer.subscribe(List.of(topic));
                assertThat(pollUntil(consumer, 5)).hasSize(5);
                consumer.commitSync();
            }
        }
        assertThat(dataDir.resolve(EmbeddedKafka.LOG_DIR_NAME)).isDirectory();

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).start()) {
            assertThat(kafka.clusterId()).isEqualTo(clusterId);
            // The port was free again, so the remembered one is reused.
            assertThat(kafka.bootstrapServers()).isEqualTo(firstAddress);
            assertThat(values(consumeAll(kafka, topic, 5, "read_committed")))
                    .containsExactly("v0", "v1", "v2", "v3", "v4");
            try (Admin admin = admin(kafka)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                assertThat(committed.get(new TopicPartition(topic, 0)).offset()).isEqualTo(5);
            }
        }
        assertThat(dataDir).isDirectory();

        // With both remembered ports taken the broker moves; the static quorum lets the old metadata log follow.
        PortMemory last = PortMemory.load(dataDir);
        ServerSocket clientPort = bind(last.port());
        ServerSocket controllerPort = bind(last.controllerPort());
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).start()) {
            assertThat(kafka.bootstrapServers()).isNotEqualTo(firstAddress);
            assertThat(PortMemory.load(dataDir).controllerPort()).isNotEqualTo(last.controllerPort());
            assertThat(kafka.clusterId()).isEqualTo(clusterId);
            assertThat(values(consumeAll(kafka, topic, 5, "read_committed"))).hasSize(5);
        } finally {
            clientPort.close();
            controllerPort.close();
        }
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        return socket;
    }

    @Test
    void busyFixedPortIsRefusedWithTheirNumber() throws IOException {
        try (ServerSocket held = bind(0)) {
            int port = held.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafka.builder().port(port).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + port)
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void secondBrokerOnTheSameDataDirIsRefusedBeforeItTouchesTheStorage() throws Exception {
        Path dataDir = tempDir.resolve("shared");
        try (EmbeddedKafka first = EmbeddedKafka.builder().dataDir(dataDir).start()) {
            assertThatThrownBy(() -> EmbeddedKafka.builder().dataDir(dataDir).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dataDir.toString())
                    .hasMessageContaining("already in use by another embedded Kafka broker");
            createTopics(first, UniqueNames.uniqueName("still-works"));
        }
        // Once the first is closed the dir is free again.
        try (EmbeddedKafka again = EmbeddedKafka.builder().dataDir(dataDir).start()) {
            assertThat(again.bootstrapServers()).isNotBlank();
        }
    }

    @Test
    void brokerThatFailsInsideKafkaIsStoppedAndItsTempDirRemoved() throws IOException {
        // Kafka logs the provoked failure with several long stack traces; they are expected here, so hide them.
        Configurator.setLevel(Map.of("kafka", Level.OFF, "org.apache.kafka", Level.OFF));
        try (ServerSocket held = bind(0)) {
            String controller = "127.0.0.1:" + held.getLocalPort();
            long tempDirsBefore = countTempDirs();

            // Our port checks cannot see this clash, so Kafka's own bind fails part-way through startup.
            assertThatThrownBy(() -> EmbeddedKafka.builder()
                            .brokerProperty("controller.quorum.voters", "1@" + controller)
                            .brokerProperty("listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://" + controller)
                            .start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failed to start")
                    .hasMessageContaining(controller);
            assertThat(countTempDirs()).isEqualTo(tempDirsBefore);
        } finally {
            Configurator.setLevel(Map.of("kafka", Level.WARN, "org.apache.kafka", Level.WARN));
        }
    }

    private static long countTempDirs() throws IOException {
        try (var entries = Files.list(tempRoot())) {
            return entries.filter(p -> p.getFileName().toString().startsWith("edgevl-kafka-"))
                    .count();
        }
    }

    private static Path tempRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static void createTopics(EmbeddedKafka kafka, String... names)
            throws ExecutionException, InterruptedException {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, 1, (short) 1));
        }
        try (Admin admin = admin(kafka)) {
            admin.createTopics(topics).all().get();
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka kafka, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all"));
        config.putAll(extra);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafka kafka, String group, String isolation) {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        group,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        isolation),
                new StringDeserializer(),
                new StringDeserializer());
    }

    private static List<ConsumerRecord<String, String>> consumeAll(
            EmbeddedKafka kafka, String topic, int expected, String isolation) {
        try (KafkaConsumer<String, String> consumer = consumer(kafka, UniqueNames.uniqueName("reader"), isolation)) {
            consumer.subscribe(List.of(topic));
            return pollUntil(consumer, expected);
        }
    }

    private static List<ConsumerRecord<String, String>> pollUntil(
            KafkaConsumer<String, String> consumer, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + POLL_LIMIT.toNanos();
        while (records.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        // One more short poll would reveal records that should not be there (e.g. an aborted one).
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records;
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
