package dev.edgevl.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.config.Settings;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.schemas.SampleRecords;
import dev.edgevl.schemas.registry.ApicurioRegistry;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.serde.RecordDecodingException;
import dev.edgevl.schemas.serde.WireFormat;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The catalogue on a real broker: topics created as specified, every record type through its topic in both wire formats. */
class CatalogueRoundTripIT {
    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;
    private static Admin admin;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().start();
        registry = ApicurioRegistry.start();
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        List<TopicInstaller.Result> first =
                new TopicInstaller(admin, Optional.empty(), 30_000).ensure(Topics.withDeadLetters());
        assertThat(first).allMatch(r -> r.outcome() == TopicInstaller.Outcome.CREATED);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void topicsAreCreatedAsTheCatalogueSaysAndCreatingAgainChangesNothing() throws Exception {
        List<TopicInstaller.Result> again =
                new TopicInstaller(admin, Optional.empty(), 30_000).ensure(Topics.withDeadLetters());
        assertThat(again)
                .hasSize(2 * Topics.ALL.size())
                .allMatch(r -> r.outcome() == TopicInstaller.Outcome.EXISTED
                        && r.note().isEmpty());

        Map<String, TopicDescription> described = admin.describeTopics(List.of("frames.paired", "models"))
                .allTopicNames()
                .get();
        assertThat(described.get("frames.paired").partitions()).hasSize(Topics.FRAMES_PAIRED.partitions());
        ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, "models");
        Config config = admin.describeConfigs(List.of(models)).all().get().get(models);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config.get("max.message.bytes").value()).isEqualTo(Integer.toString(Topics.MAX_MODEL_MESSAGE_BYTES));
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void everyRecordTypeRoundTripsThroughItsTopic(WireFormat format) throws Exception {
        Settings settings = Settings.of(Map.of(
                "serde.format", format.name(), "registry.url", registry.url().toString()));
        try (AvroSerdes serdes = AvroSerdes.fromSettings(settings)) {
            assertThat(serdes.format()).isEqualTo(format);
            for (Topic<String, ?> topic : Topics.ALL) {
                roundTrip(serdes, topic);
            }
        }
    }

    private <V> void roundTrip(AvroSerdes serdes, Topic<String, V> topic) throws Exception {
        @SuppressWarnings("unchecked")
        V value = (V) SampleRecords.valueFor(topic, "key-1");
        Serde<V> serde = serdes.valueSerde(topic);
        RecordMetadata written;
        try (KafkaProducer<String, V> producer =
                new KafkaProducer<>(producerProps(), serdes.keySerde(topic).serializer(), serde.serializer())) {
            written = producer.send(new ProducerRecord<>(topic.name(), "key-1", value))
                    .get();
        }
        ConsumerRecord<String, V> read =
                readAt(topic.name(), written, serdes.keySerde(topic).deserializer(), serde.deserializer());
        assertThat(read.key()).isEqualTo("key-1");
        assertThat(read.value()).as(topic.name()).isEqualTo(value);
    }

    @Test
    void aMalformedMessageIsRefusedClearlyAndLandsInTheDeadLetterTopicWithItsReason() throws Exception {
        byte[] garbage = {(byte) 0xC3, 0x01, 1, 2, 3};
        RecordMetadata written;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            written = producer.send(new ProducerRecord<>("frames.rgb", "dev-9".getBytes(), garbage))
                    .get();
        }
        ConsumerRecord<byte[], byte[]> raw =
                readAt("frames.rgb", written, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Deserializer<?> frames =
                AvroSerdes.singleObject().valueSerde(Topics.FRAMES_RGB).deserializer();
        RecordDecodingException error = (RecordDecodingException)
                org.assertj.core.api.Assertions.catchThrowable(() -> frames.deserialize("frames.rgb", raw.value()));
        assertThat(error.problem()).isEqualTo(RecordDecodingException.Problem.TRUNCATED);

        RecordMetadata dead;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            dead = producer.send(DeadLetters.record(raw, error, "catalogue-it")).get();
        }
        assertThat(dead.topic()).isEqualTo("frames.rgb.dlq");
        ConsumerRecord<byte[], byte[]> letter =
                readAt("frames.rgb.dlq", dead, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(letter.value()).isEqualTo(garbage);
        assertThat(letter.key()).isEqualTo("dev-9".getBytes());
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.ERROR_CLASS))
                .contains(RecordDecodingException.class.getName());
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.ERROR_MESSAGE)
                        .orElseThrow())
                .contains("frames.rgb")
                .contains("only 5 bytes");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.SOURCE_OFFSET))
                .contains(Long.toString(written.offset()));
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.SOURCE_PARTITION))
                .contains(Integer.toString(written.partition()));
        assertThatThrownBy(() -> frames.deserialize("frames.rgb", letter.value()))
                .isInstanceOf(RecordDecodingException.class);
    }

    private static Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("enable.idempotence", true);
        props.put("acks", "all");
        return props;
    }

    /** Reads the one record at a known position, so tests sharing the topics do not see each other's records. */
    private static <K, V> ConsumerRecord<K, V> readAt(
            String topic, RecordMetadata at, Deserializer<K> keys, Deserializer<V> values) {
        Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers(), "enable.auto.commit", false);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            TopicPartition partition = new TopicPartition(topic, at.partition());
            consumer.assign(List.of(partition));
            consumer.seek(partition, at.offset());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<K, V> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<K, V> record : records) {
                    if (record.offset() == at.offset()) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("No record at " + topic + "/" + at.partition() + "@" + at.offset() + " within 30 s");
    }
}
