package dev.edgevl.sim.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.sim.TestScenes;
import dev.edgevl.sim.world.Scene;
import dev.edgevl.sim.world.SceneSampler;
import dev.edgevl.sim.world.Shape;
import dev.edgevl.sim.world.WorldConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RendererTest {

    private final Renderer renderer = new Renderer();

    @ParameterizedTest
    @EnumSource(Shape.class)
    void everyShapeShowsUpClearlyAt64Pixels(Shape shape) {
        Scene scene = TestScenes.single(7, shape);
        RenderBuffers withObject = renderer.render(scene);
        RenderBuffers empty = renderer.render(TestScenes.emptyRoom(7));

        int objectPixels = 0;
        int changed = 0;
        for (int p = 0; p < 64 * 64; p++) {
            if (withObject.objectAt(p) == 0) {
                objectPixels++;
            }
            float diff = 0;
            for (int c = 0; c < 3; c++) {
                diff += Math.abs(withObject.radiance()[3 * p + c] - empty.radiance()[3 * p + c]);
            }
            if (diff > 0.05f) {
                changed++;
            }
        }
        // a medium object is about 20 px across: a few hundred pixels, never a speck
        assertThat(objectPixels).isGreaterThan(120);
        assertThat(changed).isGreaterThan(objectPixels / 2);
    }

    @Test
    void objectsAreNearerThanTheWallAndTheFloorRecedesUpTheImage() {
        RenderBuffers b = renderer.render(TestScenes.single(3, Shape.CUBE));
        float nearestObject = Float.MAX_VALUE;
        float farthestWall = 0;
        for (int p = 0; p < 64 * 64; p++) {
            float z = b.depth()[p];
            assertThat(z).isFinite().isGreaterThan(0.3f).isLessThan(6f);
            if (b.objectAt(p) == 0) {
                nearestObject = Math.min(nearestObject, z);
            } else if (b.surface()[p] == RenderBuffers.WALL) {
                farthestWall = Math.max(farthestWall, z);
            }
        }
        assertThat(nearestObject).isBetween(0.8f, 1.6f);
        assertThat(farthestWall).isGreaterThan(nearestObject + 0.8f);
        // bottom row is floor close to the camera, the row above the objects is farther
        assertThat(b.depth()[63 * 64 + 2]).isLessThan(b.depth()[20 * 64 + 2]);
    }

    @Test
    void renderingIsDeterministicAndBuffersAreReused() {
        Scene scene = new SceneSampler(WorldConfig.defaults()).sample(11);
        RenderBuffers first = renderer.render(scene);
        RenderBuffers into = new RenderBuffers(64, 64);
        assertThat(new Renderer().render(scene, into)).isSameAs(into);
        assertThat(into.radiance()).containsExactly(first.radiance());
        assertThat(into.depth()).containsExactly(first.depth());
        assertThat(into.temperature()).containsExactly(first.temperature());
        assertThat(into.scene()).isEqualTo(scene);
    }

    @Test
    void anySizeRendersAndMismatchedBuffersAreRefused() {
        Scene wide = new SceneSampler(WorldConfig.defaults().withSize(96, 48)).sample(5);
        RenderBuffers b = renderer.render(wide);
        assertThat(b.width()).isEqualTo(96);
        assertThat(b.depth()).hasSize(96 * 48);
        assertThatThrownBy(() -> renderer.render(wide, new RenderBuffers(64, 64)))
                .hasMessageContaining("buffers are 64x64 but the scene is 96x48");
    }
}
