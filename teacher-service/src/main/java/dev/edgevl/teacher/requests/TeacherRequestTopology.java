package dev.edgevl.teacher.requests;

import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.streams.DeadLetterOutput;
import dev.edgevl.teacher.service.TeacherCounters;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The teacher's image side, as a pure function of its teacher and settings:
 * <pre>
 * teacher.requests ─▶ requests-intake ─┬─▶ requests-batcher ─▶ teacher.embeddings
 *                                      └─▶ teacher.requests.dlq
 * </pre>
 * The intake admits requests with a readable RGB frame; the batcher embeds them in batches
 * ({@link EmbeddingBatcher} says how batches and commits get along).
 */
public final class TeacherRequestTopology {
    /** Names the stage in dead-letter headers. */
    public static final String STAGE = "teacher-requests";
    /** Requests waiting for their batch. Changelog: {@code <application.id>-teacher-requests-waiting-changelog}. */
    public static final String WAITING_STORE = "teacher-requests-waiting";

    static final String SOURCE = "requests-source";
    static final String INTAKE = "requests-intake";
    static final String BATCHER = "requests-batcher";
    static final String EMBEDDINGS_SINK = "requests-embeddings";
    static final String DEAD_LETTERS = "requests-dlq";

    private TeacherRequestTopology() {}

    public static Topology build(
            TeacherModel teacher, InputSpec input, Batching batching, AvroSerdes serdes, TeacherCounters counters) {
        Topology topology = new Topology();
        addTo(topology, teacher, input, batching, serdes, counters);
        return topology;
    }

    /**
     * Adds this side to {@code topology}.
     *
     * @param input how an RGB frame becomes the teacher's input; its size must be the teacher's
     */
    public static void addTo(
            Topology topology,
            TeacherModel teacher,
            InputSpec input,
            Batching batching,
            AvroSerdes serdes,
            TeacherCounters counters) {
        if (input.width() != teacher.imageSize() || input.height() != teacher.imageSize()) {
            throw new IllegalArgumentException(
                    "Teacher " + teacher.id() + " takes " + teacher.imageSize() + "x" + teacher.imageSize()
                            + " images but the input spec makes " + input.width() + "x" + input.height() + ".");
        }
        Deserializer<TeacherRequest> requests =
                serdes.valueSerde(Topics.TEACHER_REQUESTS).deserializer();
        topology.addSource(
                SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.TEACHER_REQUESTS.name());
        topology.addProcessor(
                INTAKE,
                () -> new RequestIntake(
                        requests,
                        input,
                        BATCHER,
                        new DeadLetterOutput(
                                STAGE, Topics.TEACHER_REQUESTS.name(), DEAD_LETTERS, counters::requestDeadLetter),
                        counters),
                SOURCE);
        topology.addProcessor(
                BATCHER, () -> new EmbeddingBatcher(teacher, input, batching, WAITING_STORE, counters), INTAKE);
        topology.addStateStore(waitingStore(), BATCHER);
        topology.addSink(
                EMBEDDINGS_SINK,
                Topics.TEACHER_EMBEDDINGS.name(),
                new StringSerializer(),
                serdes.valueSerde(Topics.TEACHER_EMBEDDINGS).serializer(),
                BATCHER);
        topology.addSink(
                DEAD_LETTERS,
                Topics.TEACHER_REQUESTS.deadLetter().name(),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                INTAKE);
    }

    /**
     * In memory with a changelog: requests wait well under a second. State keeps requests in Avro single-object
     * encoding whatever the wire format, as frame sync does: private to this app, no registry round trip.
     */
    private static StoreBuilder<KeyValueStore<String, TeacherRequest>> waitingStore() {
        return Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(WAITING_STORE),
                        Serdes.String(),
                        AvroSerdes.singleObject().avro(TeacherRequest.class))
                .withCachingDisabled();
    }
}
