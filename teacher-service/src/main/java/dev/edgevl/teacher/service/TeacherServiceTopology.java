package dev.edgevl.teacher.service;

import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.RequiredTopics;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.teacher.labels.LabelTopology;
import dev.edgevl.teacher.requests.Batching;
import dev.edgevl.teacher.requests.TeacherRequestTopology;
import org.apache.kafka.streams.Topology;

/** Both sides of the teacher in one topology: two independent sub-topologies sharing one teacher. */
public final class TeacherServiceTopology {
    /** What the teacher service reads and writes. */
    public static final RequiredTopics REQUIRED_TOPICS = RequiredTopics.of(
                    "The teacher service",
                    Topics.TEACHER_REQUESTS,
                    Topics.TEACHER_EMBEDDINGS,
                    Topics.LABELS,
                    Topics.LABELS_EMBEDDED)
            .withDeadLetters(Topics.TEACHER_REQUESTS, Topics.LABELS);

    private TeacherServiceTopology() {}

    public static Topology build(
            TeacherModel teacher, InputSpec input, Batching batching, AvroSerdes serdes, TeacherCounters counters) {
        Topology topology = new Topology();
        TeacherRequestTopology.addTo(topology, teacher, input, batching, serdes, counters);
        LabelTopology.addTo(topology, teacher, serdes, counters);
        return topology;
    }
}
