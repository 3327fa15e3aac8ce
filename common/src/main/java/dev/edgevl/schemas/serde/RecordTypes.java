package dev.edgevl.schemas.serde;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.avro.TeacherRequest;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** The top-level records of the contract: the values of the catalogue's topics. */
public final class RecordTypes {
    public static final List<Class<? extends SpecificRecord>> ALL = List.of(
            SensorFrame.class,
            FramePair.class,
            Annotation.class,
            TeacherRequest.class,
            TeacherEmbedding.class,
            LabelEvent.class,
            LabelEmbedding.class,
            ModelVersion.class,
            DeviceStatus.class,
            FrameTruth.class);

    private RecordTypes() {}

    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        return SpecificData.get().getSchema(type);
    }
}
