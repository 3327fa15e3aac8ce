package dev.edgevl.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsTheFormsPeopleWrite() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Durations.parse("-4ms")).isEqualTo(Duration.ofMillis(-4));
        assertThat(Durations.parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("0")).isZero();
    }

    @Test
    void refusesNumbersWithoutUnits() {
        assertThatThrownBy(() -> Durations.parse("90")).hasMessageContaining("'90' is not a duration");
        assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageContaining("write it like");
    }

    @Test
    void formatsBackToSomethingItReads() {
        for (Duration d : new Duration[] {
            Duration.ofMinutes(3),
            Duration.ofSeconds(90),
            Duration.ofMillis(4),
            Duration.ofNanos(1500),
            Duration.ZERO,
            Duration.ofHours(1)
        }) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    }
}
