package dev.edgevl.sim.world;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ShapeTest {

    @Test
    void theVocabularyIsTheTwelveNamedShapesAndTheDefaultMixTheFirstTen() {
        assertThat(Shape.labelNames())
                .containsExactly(
                        "cube",
                        "sphere",
                        "cylinder",
                        "cone",
                        "torus",
                        "pyramid",
                        "capsule",
                        "ring",
                        "prism",
                        "ellipsoid",
                        "octahedron",
                        "hexprism");
        assertThat(Shape.defaultMix()).hasSize(10).doesNotContain("octahedron", "hexprism");
        assertThat(Shape.byLabel(" Cube ")).contains(Shape.CUBE);
        assertThat(Shape.byLabel("clutter-box")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void theHullAndBoundingSphereContainEveryInsidePoint(Shape shape) {
        float[] identity = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        float lowest = shape.lowestY(identity);
        int inside = 0;
        for (float x = -0.7f; x <= 0.7f; x += 0.02f) {
            for (float y = -0.7f; y <= 0.7f; y += 0.02f) {
                for (float z = -0.7f; z <= 0.7f; z += 0.02f) {
                    if (shape.distance(x, y, z) < 0) {
                        inside++;
                        assertThat(Shape.length(x, y, z)).isLessThanOrEqualTo(shape.boundingRadius() + 1e-3f);
                        assertThat(y).isGreaterThanOrEqualTo(lowest - 1e-3f);
                    }
                }
            }
        }
        // a real solid, and one that fills a fair part of its unit box (no sliver shapes)
        assertThat(inside).isGreaterThan(2_000);
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void distanceGrowsOutside(Shape shape) {
        // some distances are bounds (prism, ellipsoid), so only "clearly outside" is asserted
        assertThat(shape.distance(0, 2, 0)).isGreaterThan(0.5f);
        assertThat(shape.distance(3, 0, 0)).isGreaterThan(1.5f);
    }

    @Test
    void tiltedObjectsStillRestOnTheFloor() {
        SceneObject cube = SceneObject.resting(
                Role.PRIMARY,
                Shape.CUBE,
                "red",
                Colour.RED.albedo(),
                SizeClass.LARGE,
                0.3f,
                Material.MATTE,
                0,
                0,
                10,
                0,
                45,
                300);
        // on an edge: centre raised by half the face diagonal (plus the rounding) instead of half a side
        float halfDiagonal = (float) (0.37 * Math.sqrt(2) + 0.05) * 0.3f;
        assertThat(cube.y()).isCloseTo(halfDiagonal, org.assertj.core.data.Offset.offset(1e-3f));
    }
}
