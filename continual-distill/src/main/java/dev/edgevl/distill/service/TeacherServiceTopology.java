package dev.edgevl.distill.service;

import dev.edgevl.distill.TeacherCounters;
import dev.edgevl.distill.labels.LabelTopology;
import dev.edgevl.distill.requests.Batching;
import dev.edgevl.distill.requests.TeacherRequestTopology;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.schemas.serde.AvroSerdes;
import org.apache.kafka.streams.Topology;

/** Both sides of the teacher in one topology: two independent sub-topologies sharing one teacher. */
public final class TeacherServiceTopology {
    private TeacherServiceTopology() {
    }

    public static Topology build(TeacherModel teacher, InputSpec input, Batching batching, AvroSerdes serdes, TeacherCounters counters) {
        Topology topology = new Topology();
        TeacherRequestTopology.addTo(topology, teacher, input, batching, serdes, counters);
        LabelTopology.addTo(topology, teacher, serdes, counters);
        return topology;
    }
}
