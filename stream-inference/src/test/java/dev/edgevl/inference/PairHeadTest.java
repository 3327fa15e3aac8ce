package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.serde.AvroSerdes;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PairHeadTest {
    private static final Instant CAPTURE = Instant.parse("2026-11-26T10:00:00.123456Z");

    @Test
    void whoAndWhenReadWithoutThePixelsAreThePairsToTheMicrosecond() {
        FramePair full = TestWorld.pair("dev-a", 42, true);
        FramePair pair = FramePair.newBuilder(full)
                .setAux(SensorFrame.newBuilder(full.getAux())
                        .setCaptureTime(CAPTURE)
                        .build())
                .build();

        PairHead head = PairHead.of(
                AvroSerdes.singleObject().projection(PairHead.PROJECTION).deserialize("t", TestWorld.encode(pair)));

        assertThat(head)
                .isEqualTo(new PairHead(
                        "dev-a",
                        pair.getAux().getSensorId(),
                        pair.getAux().getModality(),
                        42,
                        pair.getRgb().getSequence(),
                        CAPTURE,
                        pair.getPairedTime()));
        assertThat(head.id()).isEqualTo("dev-a/" + pair.getAux().getSensorId() + "/42");
        assertThat(head.ingestMillis(7)).isEqualTo(pair.getPairedTime().toEpochMilli());
    }

    @Test
    void aPairWithoutRgbOrPairedTimeSaysSo() {
        FramePair pair = FramePair.newBuilder(TestWorld.pair("dev-a", 3, false))
                .setPairedTime(null)
                .build();

        PairHead head = PairHead.of(
                AvroSerdes.singleObject().projection(PairHead.PROJECTION).deserialize("t", TestWorld.encode(pair)));

        assertThat(head.rgbSequence()).isNull();
        assertThat(head.paired()).isNull();
        assertThat(head.ingestMillis(7)).as("the record's timestamp").isEqualTo(7);
    }
}
