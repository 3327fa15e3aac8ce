package dev.edgevl.teacher.labels;

import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.streams.DeadLetterOutput;
import dev.edgevl.teacher.service.TeacherCounters;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/**
 * The teacher's text side, as a pure function of its teacher:
 * <pre>
 * labels ─▶ labels-embed ─┬─▶ labels.embedded   (an embedding per live label; REMOVE becomes a tombstone)
 *                         └─▶ labels.dlq
 * </pre>
 */
public final class LabelTopology {
    /** Names the stage in dead-letter headers. */
    public static final String STAGE = "teacher-labels";

    static final String SOURCE = "labels-source";
    static final String EMBED = "labels-embed";
    static final String EMBEDDED_SINK = "labels-embedded";
    static final String DEAD_LETTERS = "labels-dlq";

    private LabelTopology() {}

    public static Topology build(TeacherModel teacher, AvroSerdes serdes, TeacherCounters counters) {
        Topology topology = new Topology();
        addTo(topology, teacher, serdes, counters);
        return topology;
    }

    public static void addTo(Topology topology, TeacherModel teacher, AvroSerdes serdes, TeacherCounters counters) {
        var events = serdes.valueSerde(Topics.LABELS).deserializer();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.LABELS.name());
        topology.addProcessor(
                EMBED,
                () -> new LabelEmbedder(
                        teacher,
                        events,
                        EMBEDDED_SINK,
                        new DeadLetterOutput(STAGE, Topics.LABELS.name(), DEAD_LETTERS, counters::labelDeadLetter),
                        counters),
                SOURCE);
        topology.addSink(
                EMBEDDED_SINK,
                Topics.LABELS_EMBEDDED.name(),
                new StringSerializer(),
                serdes.valueSerde(Topics.LABELS_EMBEDDED).serializer(),
                EMBED);
        topology.addSink(
                DEAD_LETTERS,
                Topics.LABELS.deadLetter().name(),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                EMBED);
    }
}
