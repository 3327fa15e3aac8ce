package dev.edgevl.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.sim.sensor.DepthModel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConditionsTest {

    private final Scenario drift = Scenario.fromResource("drift");

    private Conditions at(String device, String time) {
        return drift.conditionsAt(device, Durations.parse(time));
    }

    @Test
    void beforeAnyDriftAllIsNormal() {
        Conditions c = at("dev-0", "1m");
        assertThat(c.lightLevel()).isEqualTo(1.0);
        assertThat(c.night()).isFalse();
        assertThat(c.effects()).isEmpty();
        assertThat(c.depthModel()).isEqualTo(DepthModel.DEFAULT);
        assertThat(c.classMix()).doesNotContainKeys("octahedron", "hexprism").hasSize(10);
    }

    @Test
    void nightLastsItsDurationOnEveryDevice() {
        assertThat(at("dev-0", "2m59s").night()).isFalse();
        Conditions night = at("dev-3", "3m");
        assertThat(night.night()).isTrue();
        assertThat(night.lightLevel()).isEqualTo(0.05);
        assertThat(night.effects()).containsExactly("night");
        assertThat(at("dev-1", "4m59.999s").night()).isTrue();
        assertThat(at("dev-1", "5m").night()).isFalse();
    }

    @Test
    void newClassesJoinTheMixForGood() {
        assertThat(at("dev-2", "5m59s").classMix()).doesNotContainKey("octahedron");
        Conditions later = at("dev-2", "7m");
        assertThat(later.classMix())
                .containsEntry("octahedron", 1.0)
                .containsEntry("hexprism", 1.0)
                .hasSize(12);
        assertThat(later.effects()).containsExactly("new-classes");
        assertThat(at("dev-2", "2h").classMix()).containsKey("hexprism");
    }

    @Test
    void theDepthSensorIsReplacedAtEightMinutes() {
        assertThat(at("dev-0", "7m59s").depthModel()).isEqualTo(DepthModel.DEFAULT);
        Conditions after = at("dev-0", "8m");
        assertThat(after.depthModel()).isEqualTo(DepthModel.REPLACEMENT);
        assertThat(after.effects()).containsExactly("new-classes", "depth-sensor-change");
    }

    @Test
    void aDropoutSilencesOneSensorOfOneDeviceForThirtySeconds() {
        assertThat(at("dev-1", "1m29s").dropped("rgb0")).isFalse();
        Conditions out = at("dev-1", "1m45s");
        assertThat(out.dropped("rgb0")).isTrue();
        assertThat(out.dropped("depth0")).isFalse();
        assertThat(out.effects()).containsExactly("sensor-dropout");
        assertThat(at("dev-0", "1m45s").dropped("rgb0")).isFalse();
        assertThat(at("dev-1", "2m").dropped("rgb0")).isFalse();
    }

    @Test
    void unknownDevicesAreRefused() {
        assertThatThrownBy(() -> drift.conditionsAt("dev-9", Duration.ZERO)).hasMessageContaining("no device 'dev-9'");
    }
}
