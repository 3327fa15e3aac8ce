package dev.edgevl.sim.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneSamplerTest {

    private final SceneSampler sampler = new SceneSampler(WorldConfig.defaults());

    @Test
    void theSameIdIsTheSameSceneAndOtherIdsDiffer() {
        assertThat(sampler.sample(42)).isEqualTo(new SceneSampler(WorldConfig.defaults()).sample(42));
        assertThat(sampler.sample(42)).isNotEqualTo(sampler.sample(43));
    }

    @Test
    void scenesFollowTheMiddleWorldRecipe() {
        int distractors = 0;
        Set<String> shapes = new HashSet<>();
        for (long id = 0; id < 400; id++) {
            Scene scene = sampler.sample(id);
            assertThat(scene.primary().role()).isEqualTo(Role.PRIMARY);
            List<SceneObject> clutter = scene.objects().stream()
                    .filter(o -> o.role() == Role.CLUTTER)
                    .toList();
            assertThat(clutter.size()).isBetween(0, 4);
            long d = scene.objects().stream()
                    .filter(o -> o.role() == Role.DISTRACTOR)
                    .count();
            assertThat(d).isLessThanOrEqualTo(1);
            if (d == 1) {
                distractors++;
                assertThat(scene.objects().get(1).role()).isEqualTo(Role.DISTRACTOR);
                assertThat(scene.objects().get(1).shape())
                        .isNotEqualTo(scene.primary().shape());
            }
            shapes.add(scene.primary().shape().label());
            assertThat(scene.camera().pitchDeg()).isBetween(20f, 35f);
        }
        assertThat(distractors).isBetween(150, 250);
        assertThat(shapes).containsExactlyInAnyOrderElementsOf(Shape.defaultMix());
    }

    @Test
    void theClassMixDecidesWhichShapesAppear() {
        SceneSampler onlyNew =
                new SceneSampler(WorldConfig.defaults().withClassMix(Map.of("octahedron", 1.0, "hexprism", 1.0)));
        Set<Shape> seen = new HashSet<>();
        for (long id = 0; id < 50; id++) {
            Scene scene = onlyNew.sample(id);
            scene.objects().stream().filter(o -> o.role() != Role.CLUTTER).forEach(o -> seen.add(o.shape()));
        }
        assertThat(seen).containsExactlyInAnyOrder(Shape.OCTAHEDRON, Shape.HEXPRISM);
    }

    @Test
    void objectsRestOnTheFloorAndDoNotOverlap() {
        for (long id = 0; id < 100; id++) {
            List<SceneObject> objects = sampler.sample(id).objects();
            for (SceneObject o : objects) {
                assertThat(o.shape().lowestY(o.rotation()) * o.scale() + o.y())
                        .isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-4f));
            }
            for (int i = 0; i < objects.size(); i++) {
                for (int j = i + 1; j < objects.size(); j++) {
                    float dx = objects.get(i).x() - objects.get(j).x();
                    float dz = objects.get(i).z() - objects.get(j).z();
                    float min = 0.75f
                            * (objects.get(i).boundingRadius() + objects.get(j).boundingRadius());
                    assertThat(dx * dx + dz * dz).isGreaterThanOrEqualTo(min * min);
                }
            }
        }
    }

    @Test
    void badConfigsAreRefusedWithTheReason() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> WorldConfig.defaults().withClassMix(Map.of("blob", 1.0)))
                .hasMessageContaining("unknown shape 'blob'")
                .hasMessageContaining("cube");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> WorldConfig.defaults().withClassMix(Map.of("cube", 0.0)))
                .hasMessageContaining("add up to 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> WorldConfig.defaults().withSize(0, 64))
                .hasMessageContaining("positive");
    }
}
