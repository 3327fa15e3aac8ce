package dev.edgevl.sim.scenario;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScenarioErrorsTest {

    private static final String FLEET = """
            name: bad
            devices:
              - count: 2
                idPrefix: d-
                sensors:
                  - {id: rgb0, kind: RGB, fps: 10}
                  - {id: depth0, kind: DEPTH, fps: 10}
            """;

    private static void refused(String yaml, String... parts) {
        var thrown = assertThatThrownBy(() -> Scenario.parse("bad.yaml", yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad.yaml: ");
        for (String part : parts) {
            thrown.hasMessageContaining(part);
        }
    }

    @Test
    void unknownShapesAreNamedWithTheKnownOnes() {
        refused(
                FLEET + "world: {classes: {cube: 1, blob: 1}}\n",
                "world.classes",
                "unknown shape 'blob'",
                "octahedron");
        refused(
                FLEET + "drift:\n  - {type: new-classes, at: 1m, classes: [dodecahedron]}\n",
                "drift[0].classes",
                "unknown shape 'dodecahedron'");
    }

    @Test
    void badSensorsSayWhichFieldIsWrong() {
        refused(
                FLEET.replace("{id: rgb0, kind: RGB, fps: 10}", "{id: rgb0, kind: RGB, fps: -5}"),
                "devices[0].sensors[0].fps",
                "must be > 0",
                "-5");
        refused(
                FLEET.replace("kind: DEPTH", "kind: LIDAR"),
                "devices[0].sensors[1].kind",
                "LIDAR",
                "RGB, DEPTH, THERMAL");
        refused(FLEET.replace("{id: rgb0, kind: RGB, fps: 10}", "{id: rgb0, kind: RGB}"), "sensors[0].fps", "missing");
        refused(FLEET.replace("{id: depth0,", "{id: rgb0,"), "appears twice");
        refused(FLEET.replace("fps: 10}", "fps: 10, jiter: 2ms}"), "jiter", "unknown field", "jitter");
    }

    @Test
    void badDriftSaysWhatIsKnown() {
        refused(
                FLEET + "drift:\n  - {type: eclipse, at: 1m}\n",
                "drift[0].type",
                "unknown drift type 'eclipse'",
                "night, new-classes, depth-sensor-change, sensor-dropout");
        refused(FLEET + "drift:\n  - {type: night, at: 90}\n", "drift[0].at", "unit");
        refused(FLEET + "drift:\n  - {type: night, at: soon}\n", "drift[0].at", "'soon' is not a duration");
        refused(FLEET + "drift:\n  - {type: night, at: 1m, duration: 0s}\n", "drift[0].duration", "longer than 0");
        refused(FLEET + "drift:\n  - {type: night, at: 1m, devices: [d-9]}\n", "no device 'd-9'");
        refused(
                FLEET + "drift:\n  - {type: sensor-dropout, at: 1m, sensor: thermal0}\n",
                "drift[0].sensor",
                "thermal0");
        refused(FLEET + "drift:\n  - {type: night, at: 1m, lightLevel: 3}\n", "drift[0].lightLevel");
        refused(
                FLEET + "drift:\n  - {type: depth-sensor-change, at: 1m, model: {holeRate: 2}}\n",
                "drift[0].model",
                "holeRate");
    }

    @Test
    void badFleetsAndFilesAreExplained() {
        refused("name: x\ndevices: []\n", "devices", "empty");
        refused("devices: []\n", "name", "missing");
        refused("name: x\ndevices:\n  - {ids: [a], count: 2, sensors: [{id: c, kind: RGB, fps: 1}]}\n", "either ids");
        refused("name: x\ndevices:\n  - {ids: [a, a], sensors: [{id: c, kind: RGB, fps: 1}]}\n", "'a' is used twice");
        refused(
                "name: x\nworld: {sceneDuration: -1s}\ndevices:\n  - {ids: [a], sensors: [{id: c, kind: RGB, fps: 1}]}\n",
                "world.sceneDuration");
        refused("name: [unclosed\n", "not valid YAML");
        refused("", "empty");
        assertThatThrownBy(() -> Scenario.load(Path.of("no-such-dir", "nope.yaml")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.yaml: no such scenario file");
        assertThatThrownBy(() -> Scenario.fromResource("rainy"))
                .hasMessageContaining("no shipped scenario 'rainy'")
                .hasMessageContaining("default");
    }
}
