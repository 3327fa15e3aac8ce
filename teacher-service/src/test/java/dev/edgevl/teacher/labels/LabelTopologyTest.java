package dev.edgevl.teacher.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.avro.LabelAction;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.model.teacher.SyntheticTeacher;
import dev.edgevl.model.teacher.TestTeachers;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.model.zeroshot.Prompts;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.serde.RecordDecodingException;
import dev.edgevl.schemas.topics.DeadLetters;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.teacher.service.TeacherCounters;
import dev.edgevl.teacher.service.TeacherServiceConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text side on a test driver with a tiny real teacher. */
class LabelTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    private static SyntheticTeacher teacher;

    @TempDir
    Path stateDir;

    private final AvroSerdes serdes = AvroSerdes.singleObject();
    private final Serializer<LabelEvent> eventBytes =
            serdes.valueSerde(Topics.LABELS).serializer();
    private final TeacherCounters counters = new TeacherCounters();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> labels;
    private TestOutputTopic<String, LabelEmbedding> embedded;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeAll
    static void loadTeacher() {
        teacher = TestTeachers.tiny(11);
    }

    @AfterAll
    static void closeTeacher() {
        teacher.close();
    }

    @BeforeEach
    void start() {
        Properties props = TeacherServiceConfig.defaults()
                .streamsProperties(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test:9092"));
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(LabelTopology.build(teacher, serdes, counters), props, T0);
        labels = driver.createInputTopic(Topics.LABELS.name(), new StringSerializer(), new ByteArraySerializer());
        embedded = driver.createOutputTopic(
                Topics.LABELS_EMBEDDED.name(),
                new StringDeserializer(),
                serdes.valueSerde(Topics.LABELS_EMBEDDED).deserializer());
        deadLetters = driver.createOutputTopic(
                Topics.LABELS.deadLetter().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void anAddedLabelIsTheNormalisedMeanOfItsPromptsTextEmbeddings() {
        List<String> templates = List.of("a photo of a {}", "a {} in the warehouse");
        send(event("forklift", LabelAction.ADD, templates));

        TestRecord<String, LabelEmbedding> out = embedded.readRecord();
        assertThat(out.key()).isEqualTo("forklift");
        LabelEmbedding value = out.value();
        assertThat(value.getLabel()).isEqualTo("forklift");
        assertThat(value.getTeacherId()).isEqualTo(teacher.id());
        assertThat(value.getPromptTemplates()).isEqualTo(templates);
        assertThat(value.getEmbeddedTime()).isEqualTo(T0);
        float[] embedding = floats(value.getEmbedding());
        assertThat(Embeddings.norm(embedding)).isCloseTo(1.0, within(1e-5));
        float[][] prompts = teacher.encodeTexts(List.of("a photo of a forklift", "a forklift in the warehouse"));
        float[] expected = Embeddings.averagePromptEmbeddings(new ArrayList<>(List.of(prompts)));
        assertThat(Embeddings.cosine(embedding, expected)).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void aLabelWithoutTemplatesGetsTheDefaultOnes() {
        send(event("ellipsoid", LabelAction.ADD, List.of()));

        LabelEmbedding value = embedded.readValue();
        assertThat(value.getPromptTemplates()).isEqualTo(Prompts.DEFAULT_TEMPLATES);
        float[][] prompts = teacher.encodeTexts(List.of(
                "a photo of an ellipsoid",
                "a picture of an ellipsoid",
                "an ellipsoid",
                "there is an ellipsoid on the floor"));
        float[] expected = Embeddings.averagePromptEmbeddings(new ArrayList<>(List.of(prompts)));
        assertThat(Embeddings.cosine(floats(value.getEmbedding()), expected)).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void removingALabelWritesATombstoneSoCompactionForgetsIt() {
        send(event("cube", LabelAction.ADD, List.of()));
        send(event("cube", LabelAction.REMOVE, List.of()));

        List<TestRecord<String, LabelEmbedding>> out = embedded.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly("cube", "cube");
        assertThat(out.get(0).value()).isNotNull();
        assertThat(out.get(1).value()).isNull();
        assertThat(counters.snapshot().labelsRemoved()).isEqualTo(1);
    }

    @Test
    void aTombstoneOnLabelsIsATombstoneOnLabelsEmbedded() {
        labels.pipeInput("sphere", (byte[]) null);

        TestRecord<String, LabelEmbedding> out = embedded.readRecord();
        assertThat(out.key()).isEqualTo("sphere");
        assertThat(out.value()).isNull();
    }

    @Test
    void unreadableAndInconsistentEventsGoToTheDeadLetterTopic() {
        labels.pipeInput("cube", "not avro".getBytes(StandardCharsets.UTF_8));
        labels.pipeInput("cone", eventBytes.serialize(Topics.LABELS.name(), event("cube", LabelAction.ADD, List.of())));
        send(event("torus", LabelAction.UNKNOWN, List.of()));
        labels.pipeInput((String) null, (byte[]) null);

        assertThat(embedded.isEmpty()).isTrue();
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(4);
        assertThat(header(dead.get(0), DeadLetters.ERROR_CLASS)).isEqualTo(RecordDecodingException.class.getName());
        assertThat(header(dead.get(1), DeadLetters.ERROR_MESSAGE))
                .contains("record key 'cone' is not the label 'cube'");
        assertThat(header(dead.get(2), DeadLetters.ERROR_MESSAGE)).contains("action UNKNOWN");
        assertThat(header(dead.get(3), DeadLetters.ERROR_MESSAGE)).contains("without a key");
        assertThat(dead)
                .allSatisfy(d -> assertThat(header(d, DeadLetters.STAGE)).isEqualTo(LabelTopology.STAGE));
        assertThat(counters.snapshot().labelDeadLetters()).isEqualTo(4);
    }

    private void send(LabelEvent event) {
        labels.pipeInput(event.getLabel(), eventBytes.serialize(Topics.LABELS.name(), event));
    }

    private static LabelEvent event(String label, LabelAction action, List<String> templates) {
        return LabelEvent.newBuilder()
                .setLabel(label)
                .setAction(action)
                .setPromptTemplates(templates)
                .setEventTime(T0)
                .build();
    }

    private static String header(TestRecord<byte[], byte[]> record, String key) {
        return DeadLetters.header(record.headers(), key).orElseThrow();
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
