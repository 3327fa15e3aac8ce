package dev.edgevl.teacher.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.teacher.SyntheticTeacher;
import dev.edgevl.model.teacher.TestTeachers;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.serde.RecordDecodingException;
import dev.edgevl.schemas.topics.DeadLetters;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.teacher.service.TeacherCounters;
import dev.edgevl.teacher.service.TeacherServiceConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image side on a test driver with a tiny real teacher: batches of four, or whatever waits every 200 ms of
 * wall-clock time (the driver's clock moves only when told to).
 */
class TeacherRequestTopologyTest {
    private static final Batching BATCHING = new Batching(4, Duration.ofMillis(200));
    private static final InputSpec INPUT = InputSpec.of(TestTeachers.IMAGE_SIZE, TestTeachers.IMAGE_SIZE);
    private static SyntheticTeacher teacher;

    @TempDir
    Path stateDir;

    private final AvroSerdes serdes = AvroSerdes.singleObject();
    private final Serializer<TeacherRequest> requestBytes =
            serdes.valueSerde(Topics.TEACHER_REQUESTS).serializer();
    private final TeacherCounters counters = new TeacherCounters();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> requests;
    private TestOutputTopic<String, TeacherEmbedding> embeddings;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeAll
    static void loadTeacher() {
        teacher = TestTeachers.tiny(7);
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
        driver = new TopologyTestDriver(
                TeacherRequestTopology.build(teacher, INPUT, BATCHING, serdes, counters), props, TestRequests.T0);
        requests = driver.createInputTopic(
                Topics.TEACHER_REQUESTS.name(), new StringSerializer(), new ByteArraySerializer());
        embeddings = driver.createOutputTopic(
                Topics.TEACHER_EMBEDDINGS.name(),
                new StringDeserializer(),
                serdes.valueSerde(Topics.TEACHER_EMBEDDINGS).deserializer());
        deadLetters = driver.createOutputTopic(
                Topics.TEACHER_REQUESTS.deadLetter().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void aFullBatchIsEmbeddedAtOnceInArrivalOrder() {
        for (int i = 0; i < 3; i++) {
            send(TestRequests.withRgb("cam-" + i, i));
        }
        assertThat(embeddings.isEmpty()).as("three requests wait for a fourth").isTrue();
        assertThat(waiting().approximateNumEntries()).isEqualTo(3);

        TeacherRequest last = TestRequests.withRgb("cam-3", 3);
        send(last);

        List<TestRecord<String, TeacherEmbedding>> out = embeddings.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly("cam-0", "cam-1", "cam-2", "cam-3");
        TeacherEmbedding fourth = out.get(3).value();
        assertThat(fourth.getPair()).isEqualTo(last.getPair());
        assertThat(fourth.getTeacherId()).isEqualTo(teacher.id());
        assertThat(fourth.getSourceModality()).isEqualTo(Modality.RGB);
        assertThat(fourth.getReasons()).isEqualTo(last.getReasons());
        assertThat(fourth.getRequestTime()).isEqualTo(last.getRequestTime());
        assertThat(fourth.getEmbeddedTime()).isEqualTo(TestRequests.T0);
        assertThat(out.get(0).timestamp())
                .as("the request's time, where the teacher's clock (the driver's, at T0) has passed it")
                .isEqualTo(TestRequests.T0.toEpochMilli());
        assertThat(out.get(3).timestamp())
                .as(
                        "never ahead of the teacher's clock, which the broker may refuse: T0, not %s",
                        last.getRequestTime())
                .isEqualTo(TestRequests.T0.toEpochMilli());
        // The teacher's own embedding of that frame, alone: batching changes nothing but the speed.
        float[] alone = teacher.encodeImages(
                        new float[][] {FramePreprocessor.toInput(last.getPair().getRgb(), INPUT)})[0];
        float[] batched = floats(fourth.getEmbedding());
        assertThat(batched).hasSize(TestTeachers.DIM);
        assertThat(Embeddings.norm(batched)).isCloseTo(1.0, within(1e-5));
        assertThat(Embeddings.cosine(batched, alone)).isCloseTo(1.0, within(1e-5));
        assertThat(Embeddings.cosine(batched, floats(out.get(0).value().getEmbedding())))
                .as("different frames")
                .isLessThan(0.99999);
        assertThat(waiting().approximateNumEntries()).isZero();
        assertThat(counters.snapshot().batches()).isEqualTo(1);
    }

    @Test
    void requestsThatDoNotFillABatchGoAtTheNextPunctuation() {
        send(TestRequests.withRgb("cam-1", 1));
        send(TestRequests.withRgb("cam-2", 2));
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(embeddings.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofMillis(100));

        List<TestRecord<String, TeacherEmbedding>> out = embeddings.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly("cam-1", "cam-2");
        assertThat(out.get(0).value().getEmbeddedTime()).isEqualTo(TestRequests.T0.plusMillis(200));
        assertThat(waiting().approximateNumEntries()).isZero();
        assertThat(counters.snapshot().embedded()).isEqualTo(2);
    }

    @Test
    void aPairWithoutAnRgbFrameGoesToTheDeadLetterTopicWithTheReason() {
        TeacherRequest request = TestRequests.withoutRgb("cam-9", 5);
        byte[] bytes = requestBytes.serialize(Topics.TEACHER_REQUESTS.name(), request);
        requests.pipeInput("cam-9", bytes);
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(embeddings.isEmpty()).isTrue();
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(bytes);
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("cam-9");
        assertThat(header(dead, DeadLetters.ERROR_CLASS)).isEqualTo(UnusableRequestException.class.getName());
        assertThat(header(dead, DeadLetters.ERROR_MESSAGE)).contains("cam-9", "no RGB frame");
        assertThat(header(dead, DeadLetters.STAGE)).isEqualTo(TeacherRequestTopology.STAGE);
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.TEACHER_REQUESTS.name());
        assertThat(counters.snapshot().requestDeadLetters()).isEqualTo(1);
    }

    @Test
    void bytesThatAreNoRequestGoToTheDeadLetterTopicAndTheStreamCarriesOn() {
        requests.pipeInput("cam-1", "hello".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 4; i++) {
            send(TestRequests.withRgb("cam-1", i));
        }

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.ERROR_CLASS)).isEqualTo(RecordDecodingException.class.getName());
        assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(embeddings.readValuesToList()).hasSize(4);
    }

    @Test
    void anRgbFrameWhoseBytesDoNotMatchItsSizeGoesToTheDeadLetterTopic() {
        send(TestRequests.withShortRgb("cam-1", 1, 10));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.ERROR_MESSAGE)).contains("RGB frame rgb0#1 of device cam-1 cannot be read");
        assertThat(waiting().approximateNumEntries()).isZero();
    }

    private void send(TeacherRequest request) {
        requests.pipeInput(
                request.getPair().getDeviceId(), requestBytes.serialize(Topics.TEACHER_REQUESTS.name(), request));
    }

    private KeyValueStore<String, TeacherRequest> waiting() {
        return driver.getKeyValueStore(TeacherRequestTopology.WAITING_STORE);
    }

    private static String header(TestRecord<byte[], byte[]> record, String key) {
        return DeadLetters.header(record.headers(), key).orElseThrow();
    }

    static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
