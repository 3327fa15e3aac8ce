package dev.edgevl.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.avro.Modality;
import dev.edgevl.schemas.SampleRecords;
import dev.edgevl.schemas.serde.RecordDecodingException.Problem;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class ProjectionTest {
    private static final Schema HEAD =
            Projection.without(FramePair.getClassSchema(), Set.of("data", "attributes"), "Head");

    @Test
    void theProjectionDropsTheFieldsInEveryRecordAndDefinesARecordUsedTwiceOnce() {
        Schema aux = HEAD.getField("aux").schema();
        Schema rgb = HEAD.getField("rgb").schema().getTypes().get(1);

        assertThat(HEAD.getFullName()).isEqualTo("dev.edgevl.avro.FramePairHead");
        assertThat(HEAD.getAliases()).containsExactly("dev.edgevl.avro.FramePair");
        assertThat(aux.getFields())
                .extracting(Schema.Field::name)
                .doesNotContain("data", "attributes")
                .contains("sequence");
        assertThat(rgb).isSameAs(aux);
        assertThat(FramePair.getClassSchema().getField("aux").schema().getField("data"))
                .as("the original is untouched")
                .isNotNull();
    }

    @Test
    void aPairReadThroughTheProjectionHasItsSmallFieldsInBothWireFormats() {
        FramePair pair = SampleRecords.pair("dev-1", 7);
        for (AvroSerdes serdes :
                List.of(AvroSerdes.singleObject(), AvroSerdes.confluent(new InMemorySchemaRegistry(), true))) {
            byte[] bytes = serdes.avro(FramePair.class).serializer().serialize("frames.paired", pair);

            GenericRecord head = serdes.projection(HEAD).deserialize("frames.paired", bytes);

            GenericRecord aux = (GenericRecord) head.get("aux");
            assertThat(head.get("deviceId")).hasToString("dev-1");
            assertThat(aux.get("sequence")).isEqualTo(pair.getAux().getSequence());
            assertThat(aux.get("modality"))
                    .isEqualTo(Modality.valueOf(pair.getAux().getModality().name()));
            assertThat(aux.hasField("data")).isFalse();
            assertThat(((GenericRecord) head.get("rgb")).get("sequence"))
                    .isEqualTo(pair.getRgb().getSequence());
        }
    }

    @Test
    void aRecordOfAnotherTypeOrACutOneIsStillNamed() {
        AvroSerdes serdes = AvroSerdes.singleObject();
        byte[] label = serdes.avro(LabelEvent.class).serializer().serialize("t", SampleRecords.labelEvent("cat"));
        byte[] pair = serdes.avro(FramePair.class).serializer().serialize("t", SampleRecords.pair("d", 1));
        byte[] cut = Arrays.copyOf(pair, pair.length - 100);

        assertThatThrownBy(() -> serdes.projection(HEAD).deserialize("t", label))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.WRONG_TYPE));
        assertThatThrownBy(() -> serdes.projection(HEAD).deserialize("t", cut))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.TRUNCATED));
    }
}
