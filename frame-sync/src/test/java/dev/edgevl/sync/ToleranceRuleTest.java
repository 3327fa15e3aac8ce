package dev.edgevl.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.Modality;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Frame periods from capture times, and the tolerance each pair gets from them: pure functions, no Kafka. */
class ToleranceRuleTest {
    private static final long T0 = 1_790_000_000_000_000L;
    private static final OptionalLong UNKNOWN = OptionalLong.empty();
    private static final OptionalLong TEN_FPS = OptionalLong.of(100_000);
    private static final OptionalLong NINE_FPS = OptionalLong.of(111_111);

    @Test
    void thePeriodIsTheMedianOfRecentIntervals() {
        FramePeriod period = new FramePeriod();
        assertThat(period.micros()).isEmpty();
        period.observe(T0);
        period.observe(T0 + 111_000);
        assertThat(period.micros()).as("one interval is not enough").isEmpty();
        period.observe(T0 + 222_000);
        assertThat(period.micros()).hasValue(111_000);

        long[] jittered = {333_500, 443_800, 555_300, 666_900, 777_400, 888_100};
        for (long micros : jittered) {
            period.observe(T0 + micros);
        }
        assertThat(period.micros()).hasValue(111_000);
    }

    @Test
    void lostFramesOutOfOrderFramesAndPausesDoNotMoveTheMedian() {
        FramePeriod period = new FramePeriod();
        for (int n = 0; n < 10; n++) {
            period.observe(T0 + n * 100_000L);
        }
        period.observe(T0 + 1_100_000); // frame 10 was lost: one interval of 200 ms
        period.observe(T0 + 1_050_000); // out of order: not newer, no interval
        period.observe(T0 + 1_200_000);
        period.observe(T0 + 61_200_000); // a minute's pause
        period.observe(T0 + 61_300_000);

        assertThat(period.micros()).hasValue(100_000);
    }

    @Test
    void onlyTheNewestIntervalsCountSoAChangedRateIsFollowed() {
        FramePeriod period = new FramePeriod();
        long t = T0;
        for (int n = 0; n < 20; n++) {
            period.observe(t += 33_333);
        }
        assertThat(period.micros()).hasValue(33_333);
        for (int n = 0; n < FramePeriod.SAMPLES / 2 + 1; n++) {
            period.observe(t += 100_000);
        }
        assertThat(period.micros()).hasValue(100_000);
        assertThat(period.samples()).hasSize(FramePeriod.SAMPLES).endsWith(100_000);
    }

    @Test
    void aRestartMeasuresNoIntervalAcrossTheResetButKeepsTheEstimate() {
        FramePeriod period = new FramePeriod();
        for (int n = 0; n < 5; n++) {
            period.observe(T0 + n * 100_000L);
        }
        period.restart();
        period.observe(T0 - 60_000_000); // the clock went back a minute
        assertThat(period.micros()).hasValue(100_000);
        period.observe(T0 - 59_900_000);
        assertThat(period.samples()).containsOnly(100_000);

        FramePeriod copy = FramePeriod.of(period.newestCaptureMicros(), period.samples());
        assertThat(copy.micros()).isEqualTo(period.micros());
        assertThat(copy.samples()).isEqualTo(period.samples());
        assertThat(copy.newestCaptureMicros()).isEqualTo(T0 - 59_900_000);
    }

    @Test
    void autoIsHalfTheLongerPeriodAtMostTheMax() {
        ToleranceRule rule = ToleranceRule.auto(100_000);

        assertThat(rule.micros(Modality.THERMAL, NINE_FPS, TEN_FPS)).isEqualTo(55_556);
        assertThat(rule.micros(Modality.THERMAL, TEN_FPS, NINE_FPS)).isEqualTo(55_556);
        assertThat(rule.micros(Modality.DEPTH, OptionalLong.of(33_333), OptionalLong.of(33_333)))
                .isEqualTo(16_667);
        assertThat(rule.micros(Modality.DEPTH, OptionalLong.of(1_000_000), TEN_FPS))
                .as("a 1 fps sensor is capped")
                .isEqualTo(100_000);
        assertThat(ToleranceRule.auto(100_000, 100_000, 40_000)).isEqualTo(40_000);
    }

    @Test
    void untilBothPeriodsAreKnownAutoFallsBackToTwentyMillisecondsAtMostTheMax() {
        assertThat(ToleranceRule.auto(100_000).micros(Modality.THERMAL, UNKNOWN, TEN_FPS))
                .isEqualTo(ToleranceRule.FALLBACK_MICROS)
                .isEqualTo(20_000);
        assertThat(ToleranceRule.auto(100_000).micros(Modality.THERMAL, NINE_FPS, UNKNOWN))
                .isEqualTo(20_000);
        assertThat(ToleranceRule.auto(15_000).micros(Modality.THERMAL, UNKNOWN, UNKNOWN))
                .isEqualTo(15_000);
    }

    @Test
    void aPerModalityOverrideWinsOverAFixedToleranceWhichWinsOverAuto() {
        ToleranceRule fixed = new ToleranceRule(OptionalLong.of(20_000), Map.of(Modality.THERMAL, 60_000L), 100_000);
        ToleranceRule auto = new ToleranceRule(UNKNOWN, Map.of(Modality.DEPTH, 5_000L), 100_000);

        assertThat(fixed.micros(Modality.THERMAL, NINE_FPS, TEN_FPS)).isEqualTo(60_000);
        assertThat(fixed.micros(Modality.DEPTH, TEN_FPS, TEN_FPS)).isEqualTo(20_000);
        assertThat(fixed.micros(Modality.NIR, UNKNOWN, UNKNOWN)).isEqualTo(20_000);
        assertThat(auto.micros(Modality.DEPTH, TEN_FPS, TEN_FPS)).isEqualTo(5_000);
        assertThat(auto.micros(Modality.THERMAL, NINE_FPS, TEN_FPS)).isEqualTo(55_556);
    }

    @Test
    void theWidestToleranceBoundsEveryPairAndAnUnseenSensorGetsTheWidestOfAnyModalityNotKnownYet() {
        ToleranceRule auto = ToleranceRule.auto(100_000);
        ToleranceRule overridden = new ToleranceRule(UNKNOWN, Map.of(Modality.THERMAL, 150_000L), 100_000);
        ToleranceRule fixed = new ToleranceRule(OptionalLong.of(20_000), Map.of(Modality.DEPTH, 10_000L), 100_000);

        assertThat(auto.widestMicros()).isEqualTo(100_000);
        assertThat(overridden.widestMicros()).isEqualTo(150_000);
        assertThat(fixed.widestMicros()).isEqualTo(20_000);
        assertThat(auto.unseenSensorMicros()).isEqualTo(20_000);
        assertThat(overridden.unseenSensorMicros()).isEqualTo(150_000);
        assertThat(fixed.unseenSensorMicros()).isEqualTo(20_000);
        assertThatThrownBy(() -> new ToleranceRule(UNKNOWN, Map.of(Modality.RGB, 1L), 100_000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDevicesStateGivesEachNonRgbSensorItsToleranceFromTheFramePeriods() {
        DeviceState state = new DeviceState();
        ToleranceRule rule = ToleranceRule.auto(100_000);
        state.observe("thermal0", Modality.THERMAL, T0);

        FrameMatcher.Tolerances first = state.tolerances(rule);
        assertThat(first.of("thermal0")).as("no periods yet").isEqualTo(20_000);
        assertThat(first.of("depth0")).as("not heard from yet").isEqualTo(20_000);

        for (int n = 0; n < 5; n++) {
            state.observe("rgb0", Modality.RGB, T0 + n * 100_000L);
            state.observe("depth0", Modality.DEPTH, T0 + n * 100_000L + 4_000);
            state.observe("thermal0", Modality.THERMAL, T0 + (n + 1) * 111_111L);
        }
        FrameMatcher.Tolerances known = state.tolerances(rule);

        assertThat(known.bySensorMicros()).containsOnly(Map.entry("depth0", 50_000L), Map.entry("thermal0", 55_556L));
        assertThat(known.othersMicros()).isEqualTo(20_000);
        assertThat(known.widest()).isEqualTo(55_556);
        assertThat(state.modality("rgb0")).isEqualTo(Modality.RGB);
        assertThat(state.periodMicros("thermal0")).hasValue(111_111);
        assertThat(state.periodMicros("nir0")).isEmpty();
    }
}
