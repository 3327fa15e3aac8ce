package dev.edgevl.bench.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bench's pairs: a writer's own copy, stamped in place. */
class BenchFleetTest {
    @Test
    void aPairStampedInPlaceCarriesTheNewSequenceAndTimesAndLeavesTheTemplateAlone() {
        FramePair template = BenchFleet.pair(new Random(3), "dev-0", 0, Instant.parse("2026-01-01T00:00:00Z"));
        byte[] templateBytes = BenchFleet.encode(template);
        FramePair own = BenchFleet.copy(template);
        Instant capture = Instant.parse("2026-12-06T12:00:00.123456Z");

        BenchFleet.restamp(own, 42, capture);
        BenchFleet.restamp(own, 43, capture.plusMillis(100)); // again, on the same copy

        FramePair decoded = BenchFleet.SERDES
                .valueSerde(Topics.FRAMES_PAIRED)
                .deserializer()
                .deserialize(Topics.FRAMES_PAIRED.name(), BenchFleet.encode(own));
        for (SensorFrame frame : List.of(decoded.getRgb(), decoded.getAux())) {
            assertThat(frame.getSequence()).isEqualTo(43);
            assertThat(frame.getCaptureTime()).isEqualTo(capture.plusMillis(100));
        }
        assertThat(decoded.getPairedTime()).isEqualTo(capture.plusMillis(100));
        assertThat(decoded.getAux().getData()).isEqualTo(template.getAux().getData());
        assertThat(decoded.getRgb().getData()).isEqualTo(template.getRgb().getData());
        assertThat(decoded.getDeviceId()).isEqualTo("dev-0");
        assertThat(BenchFleet.encode(template)).as("the template is untouched").isEqualTo(templateBytes);
        assertThat(BenchFleet.encode(BenchFleet.stamped(template, 43, capture.plusMillis(100))))
                .as("a stamped copy is the same pair")
                .isEqualTo(BenchFleet.encode(own));
    }
}
