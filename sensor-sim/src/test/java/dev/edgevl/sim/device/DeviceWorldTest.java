package dev.edgevl.sim.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.sim.scenario.Scenario;
import dev.edgevl.sim.scenario.SensorSpec;
import dev.edgevl.sim.sensor.Frame;
import dev.edgevl.sim.world.Role;
import dev.edgevl.sim.world.Scene;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeviceWorldTest {

    private final Scenario drift = Scenario.fromResource("drift");

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private static SensorSpec sensor(DeviceWorld world, String id) {
        return world.device().sensor(id).orElseThrow();
    }

    @Test
    void oneSceneLastsTheSceneDurationAndSensorsOfADeviceShareIt() {
        DeviceWorld world = new DeviceWorld(drift, "dev-2");
        assertThat(world.sceneIndexAt(ms(999))).isZero();
        assertThat(world.sceneIndexAt(ms(1000))).isEqualTo(1);
        Capture rgb = world.capture(sensor(world, "rgb0"), ms(1204), 12).orElseThrow();
        Capture depth = world.capture(sensor(world, "depth0"), ms(1207), 12).orElseThrow();
        Capture thermal = world.capture(sensor(world, "thermal0"), ms(1210), 11).orElseThrow();
        assertThat(depth.sceneId()).isEqualTo(rgb.sceneId()).isEqualTo(thermal.sceneId());
        assertThat(depth.truth()).isEqualTo(rgb.truth());
        assertThat(rgb.encoding()).isEqualTo("RGB8");
        assertThat(depth.encoding()).isEqualTo("DEPTH16_MM");
        assertThat(thermal.encoding()).isEqualTo("THERMAL16_CK");
        assertThat(rgb.width()).isEqualTo(64);
        assertThat(depth.clockTime())
                .isEqualTo(ms(1207).plus(sensor(world, "depth0").skew()));
        assertThat(world.capture(sensor(world, "rgb0"), ms(2004), 20)
                        .orElseThrow()
                        .sceneId())
                .isNotEqualTo(rgb.sceneId());
    }

    @Test
    void anyMomentRendersTheSameInAnyOrder() {
        DeviceWorld forward = new DeviceWorld(drift, "dev-0");
        DeviceWorld backward = new DeviceWorld(drift, "dev-0");
        SensorSpec depth = sensor(forward, "depth0");
        List<Long> sequences = List.of(3L, 17L, 250L, 251L, 4000L);
        Frame[] a = new Frame[sequences.size()];
        for (int i = 0; i < sequences.size(); i++) {
            long seq = sequences.get(i);
            a[i] = forward.capture(depth, ms(seq * 100), seq).orElseThrow().frame();
        }
        for (int i = sequences.size() - 1; i >= 0; i--) {
            long seq = sequences.get(i);
            assertThat(backward.capture(depth, ms(seq * 100), seq).orElseThrow().frame())
                    .isEqualTo(a[i]);
        }
        // same scene, another frame: only the noise differs
        Capture again = forward.capture(depth, ms(301), 4).orElseThrow();
        Capture first = forward.capture(depth, ms(300), 3).orElseThrow();
        assertThat(again.sceneId()).isEqualTo(first.sceneId());
        assertThat(again.frame()).isNotEqualTo(first.frame());
    }

    @Test
    void devicesSeeDifferentScenes() {
        Scene a = new DeviceWorld(drift, "dev-0").sceneAt(ms(500));
        Scene b = new DeviceWorld(drift, "dev-1").sceneAt(ms(500));
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void aDropoutStopsTheSensorAndOnlyThatSensor() {
        DeviceWorld world = new DeviceWorld(drift, "dev-1");
        SensorSpec rgb = sensor(world, "rgb0");
        assertThat(world.capture(rgb, Duration.ofSeconds(89), 890)).isPresent();
        assertThat(world.capture(rgb, Duration.ofSeconds(95), 950)).isEmpty();
        assertThat(world.capture(sensor(world, "depth0"), Duration.ofSeconds(95), 950))
                .isPresent();
        assertThat(world.capture(rgb, Duration.ofSeconds(121), 1210)).isPresent();
        Optional<Capture> elsewhere = new DeviceWorld(drift, "dev-0").capture(rgb, Duration.ofSeconds(95), 950);
        assertThat(elsewhere).isPresent();
    }

    @Test
    void newClassesAppearOnlyAfterTheirEvent() {
        DeviceWorld world = new DeviceWorld(drift, "dev-3");
        Set<String> before = new HashSet<>();
        Set<String> after = new HashSet<>();
        for (int s = 0; s < 120; s++) {
            collect(world.sceneAt(Duration.ofSeconds(240 + s)), before);
            collect(world.sceneAt(Duration.ofSeconds(360 + s)), after);
        }
        assertThat(before).doesNotContain("octahedron", "hexprism");
        assertThat(after).contains("octahedron", "hexprism");
    }

    @Test
    void nightDarkensRgbAndConditionsTravelWithTheTruth() {
        DeviceWorld world = new DeviceWorld(drift, "dev-2");
        Capture night = world.capture(sensor(world, "rgb0"), Duration.ofSeconds(200), 2000)
                .orElseThrow();
        Capture day = world.capture(sensor(world, "rgb0"), Duration.ofSeconds(20), 200)
                .orElseThrow();
        assertThat(night.conditions()).containsExactly("night");
        assertThat(day.conditions()).isEmpty();
        assertThat(mean(night.bytes())).isLessThan(0.5 * mean(day.bytes()));
    }

    @Test
    void framesCarryNoTruth() {
        assertThat(Arrays.stream(Frame.class.getRecordComponents()).map(RecordComponent::getName))
                .containsExactly("width", "height", "encoding", "data");
    }

    @Test
    void jitterIsBoundedAndReproducible() {
        SensorSpec depth = Scenario.fromResource("default")
                .devices()
                .get(0)
                .sensor("depth0")
                .orElseThrow();
        SensorClock clock = new SensorClock(1, "dev-0", depth);
        SensorClock again = new SensorClock(1, "dev-0", depth);
        Set<Duration> distinct = new HashSet<>();
        for (long seq = 0; seq < 200; seq++) {
            Duration j = clock.jitter(seq);
            assertThat(j).isEqualTo(again.jitter(seq));
            assertThat(j.abs()).isLessThanOrEqualTo(depth.jitter());
            distinct.add(j);
        }
        assertThat(distinct.size()).isGreaterThan(100);
        assertThat(clock.nominalTime(25)).isEqualTo(Duration.ofMillis(2500));
        assertThat(clock.trueTime(25)).isEqualTo(Duration.ofMillis(2500).plus(clock.jitter(25)));
        assertThat(clock.clockTime(Duration.ofSeconds(1)))
                .isEqualTo(Duration.ofSeconds(1).plus(depth.skew()));
        assertThat(new SensorClock(1, "dev-1", depth).jitter(7)).isNotEqualTo(clock.jitter(7));
    }

    private static void collect(Scene scene, Set<String> into) {
        scene.objects().stream()
                .filter(o -> o.role() != Role.CLUTTER)
                .forEach(o -> into.add(o.shape().label()));
    }

    private static double mean(byte[] data) {
        double sum = 0;
        for (byte b : data) {
            sum += b & 0xff;
        }
        return sum / data.length;
    }
}
