package dev.edgevl.sim.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.sim.TestScenes;
import dev.edgevl.sim.render.RenderBuffers;
import dev.edgevl.sim.world.Colour;
import dev.edgevl.sim.world.Scene;
import dev.edgevl.sim.world.SceneSampler;
import dev.edgevl.sim.world.Shape;
import dev.edgevl.sim.world.WorldConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SensorsTest {

    private final SensorRig rig = new SensorRig();

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() {
        Scene scene = new SceneSampler(WorldConfig.defaults()).sample(99);
        SensorRig.Triple a = rig.capture(scene, 1.0, DepthModel.DEFAULT, new Random(5));
        SensorRig.Triple b = new SensorRig().capture(scene, 1.0, DepthModel.DEFAULT, new Random(5));
        SensorRig.Triple c = rig.capture(scene, 1.0, DepthModel.DEFAULT, new Random(6));
        assertThat(a).isEqualTo(b);
        assertThat(a.rgb()).isNotEqualTo(c.rgb());
        assertThat(a.depth()).isNotEqualTo(c.depth());
        assertThat(a.thermal()).isNotEqualTo(c.thermal());
        SensorRig.Triple other = rig.capture(
                new SceneSampler(WorldConfig.defaults()).sample(100), 1.0, DepthModel.DEFAULT, new Random(5));
        assertThat(other.rgb()).isNotEqualTo(a.rgb());
    }

    @Test
    void framesHaveTheWireLayout() {
        SensorRig.Triple t = rig.capture(TestScenes.single(1, Shape.SPHERE), 1.0, DepthModel.DEFAULT, new Random(1));
        assertThat(t.rgb().encoding()).isEqualTo(Encoding.RGB8);
        assertThat(t.rgb().data()).hasSize(64 * 64 * 3);
        assertThat(t.depth().encoding()).isEqualTo(Encoding.DEPTH16_MM);
        assertThat(t.depth().data()).hasSize(64 * 64 * 2);
        assertThat(t.thermal().encoding()).isEqualTo(Encoding.THERMAL16_CK);
        assertThat(t.thermal().data()).hasSize(64 * 64 * 2);
    }

    @Test
    void depthIsInPlausibleMillimetresWithHolesOnlyWhereTheModelMakesThem() {
        Scene scene = TestScenes.single(2, Shape.CYLINDER);
        RenderBuffers rendered = rig.render(scene);
        Frame ideal = rig.depth(rendered, DepthModel.ideal(), new Random(1));
        for (int p = 0; p < 64 * 64; p++) {
            assertThat(ideal.u16(p)).isEqualTo(Math.round(rendered.depth()[p] * 1000f));
        }
        Frame real = rig.depth(rendered, DepthModel.DEFAULT, new Random(1));
        int holes = 0;
        double sumSq = 0;
        int floorNear = 0;
        int objectMin = Integer.MAX_VALUE;
        int wallMax = 0;
        for (int p = 0; p < 64 * 64; p++) {
            int mm = real.u16(p);
            if (mm == 0) {
                holes++;
                continue;
            }
            assertThat(mm).isBetween(300, 6000);
            if (rendered.objectAt(p) == 0) {
                objectMin = Math.min(objectMin, mm);
            }
            if (rendered.surface()[p] == RenderBuffers.WALL) {
                wallMax = Math.max(wallMax, mm);
            }
            float z = rendered.depth()[p];
            if (rendered.surface()[p] == RenderBuffers.FLOOR && z > 1.2f && z < 1.6f) {
                sumSq += Math.pow(mm - z * 1000, 2);
                floorNear++;
            }
        }
        double holeRate = holes / 4096.0;
        assertThat(holeRate).isBetween(0.025, 0.15);
        assertThat(objectMin).isLessThan(wallMax - 800);
        // about a centimetre of noise at 1.2-1.6 m
        assertThat(Math.sqrt(sumSq / floorNear)).isBetween(5.0, 15.0);
    }

    @Test
    void aReplacementDepthSensorErrsDifferently() {
        RenderBuffers rendered = rig.render(TestScenes.single(2, Shape.CUBE));
        Frame before = rig.depth(rendered, DepthModel.DEFAULT, new Random(3));
        Frame after = rig.depth(rendered, DepthModel.REPLACEMENT, new Random(3));
        assertThat(zeros(after)).isGreaterThan(zeros(before));
        int centre = 40 * 64 + 32;
        assertThat(meanAround(after, centre)).isGreaterThan(meanAround(before, centre) + 20);
    }

    @Test
    void aHotObjectIsWarmerThanTheFloorAndAColdOneColder() {
        Scene room = TestScenes.emptyRoom(4);
        float ambient = room.environment().ambientK();
        Frame hot = thermalOf(TestScenes.single(4, Shape.SPHERE, Colour.BLUE, ambient + 25));
        Frame cold = thermalOf(TestScenes.single(4, Shape.SPHERE, Colour.BLUE, ambient - 15));
        RenderBuffers layout = rig.render(TestScenes.single(4, Shape.SPHERE));
        double hotObject = mean(hot, layout, true);
        double floor = mean(hot, layout, false);
        assertThat(hotObject).isGreaterThan(floor + 1000);
        assertThat(mean(cold, layout, true)).isLessThan(mean(cold, layout, false) - 500);
        assertThat(floor / 100).isBetween(ambient - 6.0, ambient + 6.0);
    }

    @Test
    void nightDarkensRgbAndLeavesDepthAndThermalAlone() {
        Scene scene = new SceneSampler(WorldConfig.defaults()).sample(77);
        SensorRig.Triple day = rig.capture(scene, 1.0, DepthModel.DEFAULT, new Random(9));
        SensorRig.Triple night = rig.capture(scene, 0.05, DepthModel.DEFAULT, new Random(9));
        assertThat(meanRgb(night.rgb())).isLessThan(0.5 * meanRgb(day.rgb()));
        assertThat(night.depth()).isEqualTo(day.depth());
        assertThat(night.thermal()).isEqualTo(day.thermal());
    }

    private Frame thermalOf(Scene scene) {
        return rig.thermal(rig.render(scene), new Random(2));
    }

    private static double mean(Frame f, RenderBuffers layout, boolean object) {
        double sum = 0;
        int n = 0;
        for (int p = 0; p < 64 * 64; p++) {
            boolean isObject = layout.objectAt(p) == 0;
            boolean isFloor = layout.surface()[p] == RenderBuffers.FLOOR;
            if (object ? isObject : isFloor) {
                sum += f.u16(p);
                n++;
            }
        }
        return sum / n;
    }

    private static int zeros(Frame f) {
        int n = 0;
        for (int p = 0; p < f.width() * f.height(); p++) {
            n += f.u16(p) == 0 ? 1 : 0;
        }
        return n;
    }

    private static double meanAround(Frame f, int centre) {
        double sum = 0;
        int n = 0;
        for (int dy = -3; dy <= 3; dy++) {
            for (int dx = -3; dx <= 3; dx++) {
                int v = f.u16(centre + dy * 64 + dx);
                if (v != 0) {
                    sum += v;
                    n++;
                }
            }
        }
        return sum / n;
    }

    private static double meanRgb(Frame f) {
        double sum = 0;
        for (byte b : f.data()) {
            sum += b & 0xff;
        }
        return sum / f.data().length;
    }
}
