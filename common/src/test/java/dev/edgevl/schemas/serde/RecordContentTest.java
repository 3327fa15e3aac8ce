package dev.edgevl.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.schemas.SampleRecords;
import dev.edgevl.schemas.serde.RecordDecodingException.Problem;
import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class RecordContentTest {
    private static final Instant NOW = SampleRecords.T0.plus(Duration.ofMinutes(5));

    @Test
    void everySampleRecordIsFine() {
        for (SpecificRecord record : SampleRecords.all()) {
            assertThat(RecordContent.problem(record, NOW))
                    .as(record.getSchema().getName())
                    .isEmpty();
        }
    }

    @Test
    void aTimeMoreThanAnHourAheadIsRefusedAtAnyDepthAndNamedByItsPath() {
        assertThat(RecordContent.problem(pairCapturedAt(NOW.plus(Duration.ofMinutes(61))), NOW))
                .hasValueSatisfying(
                        p -> assertThat(p).startsWith("rgb.captureTime ").contains("1 h ahead"));
        assertThat(RecordContent.problem(pairCapturedAt(NOW.plus(Duration.ofMinutes(59))), NOW))
                .as("a clock a little ahead is fine")
                .isEmpty();
    }

    @Test
    void anEmbeddingWithANonFiniteValueOrOnlyZerosIsRefused() {
        TeacherEmbedding sample = SampleRecords.teacherEmbedding("cam-1");
        List<Float> values = new ArrayList<>(sample.getEmbedding());
        values.set(1, Float.NaN);
        TeacherEmbedding nan =
                TeacherEmbedding.newBuilder(sample).setEmbedding(values).build();
        assertThat(RecordContent.problem(nan, NOW))
                .hasValue("embedding has NaN at index 1; an embedding must be finite.");

        LabelEmbedding label = SampleRecords.labelEmbedding("cube");
        LabelEmbedding zeros = LabelEmbedding.newBuilder(label)
                .setEmbedding(
                        new ArrayList<>(Collections.nCopies(label.getEmbedding().size(), 0f)))
                .build();
        assertThat(RecordContent.problem(zeros, NOW))
                .hasValueSatisfying(p -> assertThat(p).startsWith("embedding is all zeros"));

        LabelEmbedding empty =
                LabelEmbedding.newBuilder(label).setEmbedding(new ArrayList<>()).build();
        assertThat(RecordContent.problem(empty, NOW))
                .as("no values (an annotation without a model) is not a broken embedding")
                .isEmpty();
    }

    @Test
    void aBlankLabelIsRefused() {
        LabelEmbedding blank = LabelEmbedding.newBuilder(SampleRecords.labelEmbedding("cube"))
                .setLabel("  ")
                .build();
        assertThat(RecordContent.problem(blank, NOW)).hasValue("label is blank.");
    }

    @Test
    void bothWireFormatsReadersRefuseBrokenContentAsInvalidContent() {
        LabelEmbedding ahead = LabelEmbedding.newBuilder(SampleRecords.labelEmbedding("cube"))
                .setEmbeddedTime(Instant.now().plus(Duration.ofDays(2)))
                .build();
        for (AvroSerdes serdes :
                List.of(AvroSerdes.singleObject(), AvroSerdes.confluent(new InMemorySchemaRegistry(), true))) {
            byte[] bytes =
                    serdes.valueSerde(Topics.LABELS_EMBEDDED).serializer().serialize("labels.embedded", ahead);

            assertThatThrownBy(() -> serdes.valueSerde(Topics.LABELS_EMBEDDED)
                            .deserializer()
                            .deserialize("labels.embedded", bytes))
                    .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                            .isEqualTo(Problem.INVALID_CONTENT))
                    .hasMessageContaining("Cannot decode a LabelEmbedding from topic 'labels.embedded': embeddedTime");
        }
    }

    private static FramePair pairCapturedAt(Instant rgbCapture) {
        FramePair pair = SampleRecords.pair("cam-1", 1);
        return FramePair.newBuilder(pair)
                .setRgb(SensorFrame.newBuilder(pair.getRgb())
                        .setCaptureTime(rgbCapture)
                        .build())
                .build();
    }
}
