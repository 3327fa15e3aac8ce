package dev.edgevl.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SyncStatsTest {

    @Test
    void aQuietPeriodReadsAsOneShortSentence() {
        SyncStats stats = new SyncStats(900, 900, 900, 0, 900, 0, 0, 0, 0, 0);

        assertThat(stats.sentence(Duration.ofSeconds(30), Duration.ofMillis(20)))
                .isEqualTo("In the last 30 s frame sync took in 900 RGB and 900 non-RGB frames and wrote 900 pairs to "
                        + "frames.paired (900 with both frames).");
    }

    @Test
    void everyKindOfTroubleIsNamed() {
        SyncStats before = new SyncStats(10, 10, 10, 0, 10, 0, 0, 0, 0, 0);
        SyncStats after = new SyncStats(900, 905, 897, 8, 898, 2, 1, 3, 0, 1);

        String sentence = after.minus(before).sentence(Duration.ofMinutes(5), Duration.ofMillis(20));

        assertThat(sentence)
                .isEqualTo("In the last 5 min frame sync took in 890 RGB and 895 non-RGB frames and wrote 895 pairs to "
                        + "frames.paired (887 with both frames); "
                        + "8 non-RGB frames went out without an RGB partner, 2 RGB frames found no non-RGB frame within 20 ms and were "
                        + "not forwarded, 3 frames came too late to be paired, 1 duplicate frame was dropped, 1 message went to a "
                        + "dead-letter topic.");
        assertThat(after.waiting()).isZero();
    }
}
