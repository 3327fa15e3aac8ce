package dev.edgevl.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.edgevl.avro.Modality;
import dev.edgevl.sync.SyncStats.AuxCounts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncStatsTest {

    @Test
    void aQuietPeriodReadsAsOneShortSentence() {
        SyncStats stats = new SyncStats(900, Map.of(Modality.DEPTH, new AuxCounts(900, 900, 0)), 900, 0, 0, 0, 0, 0);

        assertThat(stats.sentence(Duration.ofSeconds(30)))
                .isEqualTo("In the last 30 s frame sync took in 900 RGB and 900 non-RGB frames and wrote 900 pairs to "
                        + "frames.paired (900 with both frames): DEPTH 900 paired and 0 without RGB (0.0% unpaired).");
    }

    @Test
    void everyKindOfTroubleIsNamed() {
        SyncStats before = new SyncStats(10, Map.of(Modality.DEPTH, new AuxCounts(10, 10, 0)), 10, 0, 0, 0, 0, 0);
        SyncStats after = new SyncStats(
                900,
                Map.of(Modality.DEPTH, new AuxCounts(460, 458, 2), Modality.THERMAL, new AuxCounts(445, 439, 6)),
                898,
                2,
                1,
                3,
                0,
                1);

        String sentence = after.minus(before).sentence(Duration.ofMinutes(5));

        assertThat(sentence)
                .isEqualTo(
                        "In the last 5 min frame sync took in 890 RGB and 895 non-RGB frames and wrote 895 pairs to "
                                + "frames.paired (887 with both frames): DEPTH 448 paired and 2 without RGB (0.4% unpaired), "
                                + "THERMAL 439 paired and 6 without RGB (1.3% unpaired); "
                                + "2 RGB frames found no non-RGB frame within tolerance and were not forwarded, 3 frames came "
                                + "too late to be paired, 1 duplicate frame was dropped, 1 message went to a dead-letter topic.");
        assertThat(after.waiting()).isZero();
    }

    @Test
    void totalsAreTheSumsOverTheModalitiesAndEachModalityHasItsUnpairedShare() {
        SyncStats stats = new SyncStats(
                100,
                Map.of(Modality.DEPTH, new AuxCounts(100, 99, 1), Modality.THERMAL, new AuxCounts(90, 36, 50)),
                95,
                0,
                0,
                0,
                0,
                0);

        assertThat(stats.auxFrames()).isEqualTo(190);
        assertThat(stats.pairs()).isEqualTo(135);
        assertThat(stats.auxOnly()).isEqualTo(51);
        assertThat(stats.forwarded()).isEqualTo(186);
        assertThat(stats.waiting()).isEqualTo(5 + 4);
        assertThat(stats.of(Modality.THERMAL).unpairedShare()).isCloseTo(50 / 86.0, offset(1e-9));
        assertThat(stats.of(Modality.NIR)).isEqualTo(AuxCounts.ZERO);
        assertThat(stats.of(Modality.NIR).unpairedShare()).isZero();
    }

    @Test
    void modalitiesWithoutFramesAreLeftOutSoAnIdlePeriodIsZero() {
        SyncCounters counters = new SyncCounters();
        SyncStats first = counters.snapshot();
        assertThat(first).isEqualTo(SyncStats.ZERO);
        assertThat(first.aux()).isEmpty();

        counters.frameAccepted(Modality.THERMAL);
        counters.forwardedAlone(Modality.THERMAL);
        counters.frameAccepted(Modality.RGB);
        counters.rgbSettled(false);
        counters.paired(null); // a frame whose modality frame sync did not know

        SyncStats second = counters.snapshot();
        assertThat(second.of(Modality.THERMAL)).isEqualTo(new AuxCounts(1, 0, 1));
        assertThat(second.of(Modality.UNKNOWN)).isEqualTo(new AuxCounts(0, 1, 0));
        assertThat(second.minus(second)).isEqualTo(SyncStats.ZERO);
        assertThat(second.minus(first)).isEqualTo(second);
    }
}
