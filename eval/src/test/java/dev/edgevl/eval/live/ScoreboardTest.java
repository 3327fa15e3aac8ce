package dev.edgevl.eval.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.avro.Modality;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScoreboardTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void theGapsStandardErrorCountsSecondsNotFrames() {
        Scoreboard board = new Scoreboard();
        Random r = new Random(4);
        int seconds = 400;
        int framesPerSecond = 40;
        for (int s = 0; s < seconds; s++) {
            // Within a second every frame shows the same scene: right or wrong together, independently for each judge.
            boolean adaptive = r.nextDouble() < 0.5;
            boolean frozen = r.nextDouble() < 0.5;
            for (int f = 0; f < framesPerSecond; f++) {
                Instant t = T0.plusSeconds(s).plusMillis(f * 20L);
                board.add(Scoreboard.Judge.ADAPTIVE, Modality.DEPTH, t, adaptive);
                board.add(Scoreboard.Judge.FROZEN, Modality.DEPTH, t, frozen);
            }
        }
        Double se = board.differenceStandardError(
                Scoreboard.Judge.ADAPTIVE, Scoreboard.Judge.FROZEN, Modality.DEPTH, T0, T0.plusSeconds(seconds));
        // Two independent coin flips per second: the difference of the means has sd sqrt(2 · 0.25 / 400) = 0.035.
        assertThat(se).isCloseTo(Math.sqrt(0.5 / seconds), within(0.006));
        double perFrame = Math.sqrt(0.5 / (seconds * framesPerSecond));
        assertThat(se).as("frames one by one would claim %.4f", perFrame).isGreaterThan(5 * perFrame);
    }

    @Test
    void identicalJudgesHaveNoErrorAndTooLittleHasNone() {
        Scoreboard board = new Scoreboard();
        for (int s = 0; s < 20; s++) {
            Instant t = T0.plusSeconds(s);
            board.add(Scoreboard.Judge.ADAPTIVE, Modality.THERMAL, t, s % 3 == 0);
            board.add(Scoreboard.Judge.FROZEN, Modality.THERMAL, t, s % 3 == 0);
        }
        assertThat(board.differenceStandardError(
                        Scoreboard.Judge.ADAPTIVE, Scoreboard.Judge.FROZEN, Modality.THERMAL, T0, T0.plusSeconds(20)))
                .isCloseTo(0.0, within(1e-12));
        assertThat(board.differenceStandardError(
                        Scoreboard.Judge.ADAPTIVE, Scoreboard.Judge.FROZEN, Modality.THERMAL, T0, T0.plusSeconds(1)))
                .as("one second")
                .isNull();
    }
}
