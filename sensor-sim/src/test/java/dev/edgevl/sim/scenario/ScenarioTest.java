package dev.edgevl.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioTest {

    @Test
    void theDefaultScenarioIsFourQuietDevices() {
        Scenario s = Scenario.fromResource("default");
        assertThat(s.name()).isEqualTo("default");
        assertThat(s.sceneDuration()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.world().width()).isEqualTo(64);
        assertThat(s.devices()).extracting(DeviceSpec::id).containsExactly("dev-0", "dev-1", "dev-2", "dev-3");
        DeviceSpec first = s.devices().get(0);
        assertThat(first.sensors()).extracting(SensorSpec::id).containsExactly("rgb0", "depth0");
        assertThat(first.sensor("rgb0").orElseThrow().kind()).isEqualTo(SensorKind.RGB);
        assertThat(first.sensor("depth0").orElseThrow().fps()).isEqualTo(10.0);
        assertThat(s.devices().get(3).sensor("thermal0")).isPresent();
        assertThat(s.drift()).isEmpty();
        assertThat(s.conditionsAt("dev-2", Duration.ofMinutes(30)))
                .isEqualTo(Conditions.normal(s.world().classMix()));
    }

    @Test
    void theDriftScenarioScriptsEveryKindOfDrift() {
        Scenario s = Scenario.fromResource("drift");
        assertThat(s.devices()).hasSize(4);
        assertThat(s.drift())
                .extracting(DriftEvent::type)
                .containsExactly("sensor-dropout", "night", "new-classes", "depth-sensor-change");
    }

    @Test
    void theMixedFleetScenarioHasSixDevicesAndTheDriftAtOtherTimes() {
        Scenario s = Scenario.fromResource("mixed-fleet");
        assertThat(s.devices()).hasSize(6);
        assertThat(s.drift())
                .extracting(DriftEvent::type)
                .containsExactly("depth-sensor-change", "night", "sensor-dropout", "new-classes");
    }

    @Test
    void skewIsSpreadPerDeviceWithinItsBoundsAndTheSameEveryTime() {
        Scenario a = Scenario.fromResource("default");
        Scenario b = Scenario.fromResource("default");
        List<Duration> skews = a.devices().stream()
                .map(d -> d.sensor("depth0").orElseThrow().skew())
                .toList();
        assertThat(skews)
                .isEqualTo(b.devices().stream()
                        .map(d -> d.sensor("depth0").orElseThrow().skew())
                        .toList());
        assertThat(skews).allSatisfy(k -> assertThat(k.toNanos()).isBetween(2_000_000L, 6_000_000L));
        assertThat(skews.stream().distinct().count()).isGreaterThan(1);
        assertThat(a.devices().get(0).sensor("rgb0").orElseThrow().skew()).isZero();
        assertThat(a.devices().get(0).sensor("depth0").orElseThrow().jitter()).isEqualTo(Duration.ofMillis(3));
    }

    @Test
    void explicitIdsAndAFileOnDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiny.yaml");
        Files.writeString(file, """
                name: tiny
                seed: 3
                world: {width: 32, height: 24, sceneDuration: 500ms, classes: {cube: 2, sphere: 1}}
                devices:
                  - ids: [north, south]
                    sensors:
                      - {id: cam, kind: rgb, fps: 30}
                      - {id: tof, kind: depth, fps: 15, skew: -2ms, jitter: 1ms}
                """);
        Scenario s = Scenario.load(file);
        assertThat(s.seed()).isEqualTo(3);
        assertThat(s.sceneDuration()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.world().classMix())
                .containsExactly(
                        org.assertj.core.api.Assertions.entry("cube", 2.0),
                        org.assertj.core.api.Assertions.entry("sphere", 1.0));
        assertThat(s.world().width()).isEqualTo(32);
        assertThat(s.devices()).extracting(DeviceSpec::id).containsExactly("north", "south");
        SensorSpec tof = s.device("south").orElseThrow().sensor("tof").orElseThrow();
        assertThat(tof.skew()).isEqualTo(Duration.ofMillis(-2));
        assertThat(tof.kind()).isEqualTo(SensorKind.DEPTH);
        assertThat(tof.period()).isEqualTo(Duration.ofNanos(66_666_667));
    }

    @Test
    void aFleetCanBeMadeSmallerOrLargerWithTheSensorsOfItsDevices() {
        Scenario drift = Scenario.fromResource("drift");
        org.assertj.core.api.Assertions.assertThat(drift.withDevices(2).devices())
                .extracting(DeviceSpec::id)
                .containsExactly("dev-0", "dev-1");
        Scenario six = drift.withDevices(6);
        org.assertj.core.api.Assertions.assertThat(six.devices())
                .extracting(DeviceSpec::id)
                .doesNotHaveDuplicates()
                .hasSize(6)
                .contains("dev-4", "dev-5");
        org.assertj.core.api.Assertions.assertThat(six.devices().get(4).sensors())
                .isEqualTo(drift.devices().get(0).sensors());
        org.assertj.core.api.Assertions.assertThat(six.drift()).isEqualTo(drift.drift());
    }
}
