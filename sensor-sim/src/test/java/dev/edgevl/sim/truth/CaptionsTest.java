package dev.edgevl.sim.truth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.sim.TestScenes;
import dev.edgevl.sim.world.Colour;
import dev.edgevl.sim.world.Role;
import dev.edgevl.sim.world.Scene;
import dev.edgevl.sim.world.SceneSampler;
import dev.edgevl.sim.world.Shape;
import dev.edgevl.sim.world.WorldConfig;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptionsTest {

    private final SceneSampler sampler = new SceneSampler(WorldConfig.defaults());

    @Test
    void theCaptionNamesThePrimaryShapeAndTheDistractorWhenThereIsOne() {
        for (long id = 0; id < 200; id++) {
            Scene scene = sampler.sample(id);
            String caption = Captions.caption(scene);
            assertThat(caption)
                    .contains(scene.primary().shape().label())
                    .contains(scene.primary().colour());
            boolean distractor = scene.objects().stream().anyMatch(o -> o.role() == Role.DISTRACTOR);
            if (distractor) {
                assertThat(caption)
                        .contains(" beside ")
                        .contains(scene.objects().get(1).shape().label());
            } else {
                assertThat(caption).endsWith("floor");
            }
        }
    }

    @Test
    void aSingleObjectReadsNaturally() {
        Scene scene = TestScenes.single(1, Shape.OCTAHEDRON, Colour.ORANGE, 300);
        assertThat(Captions.caption(scene)).matches("a medium orange octahedron on a (dark |light )?grey floor");
        assertThat(Captions.shapeOnly(scene)).isEqualTo("a photo of an octahedron");
        assertThat(Captions.prompt("cube")).isEqualTo("a photo of a cube");
    }

    @Test
    void variantsAlwaysKeepTheShapeAndSometimesDropColourAndSize() {
        Scene scene = sampler.sample(5);
        String shape = scene.primary().shape().label();
        String colour = scene.primary().colour();
        Random random = new Random(1);
        Set<String> seen = new HashSet<>();
        int withoutColour = 0;
        for (int i = 0; i < 300; i++) {
            String v = Captions.variant(scene, random);
            assertThat(v).contains(shape);
            assertThat(v).doesNotContain(" a a").doesNotStartWith(" ");
            if (!v.contains(colour)) {
                withoutColour++;
            }
            seen.add(v);
        }
        assertThat(withoutColour).isBetween(60, 240);
        assertThat(seen.size()).isGreaterThan(15);
        assertThat(Captions.variant(scene, new Random(3))).isEqualTo(Captions.variant(scene, new Random(3)));
    }

    @Test
    void truthListsLabelledObjectsPrimaryFirstAndNoClutter() {
        Scene scene = sampler.sample(12);
        SceneTruth truth = SceneTruth.of(scene);
        long labelled =
                scene.objects().stream().filter(o -> o.role() != Role.CLUTTER).count();
        assertThat(truth.objects()).hasSize((int) labelled);
        assertThat(truth.primary().primary()).isTrue();
        assertThat(truth.objects().stream().skip(1)).noneMatch(ObjectTruth::primary);
        assertThat(truth.label()).isEqualTo(scene.primary().shape().label());
        assertThat(truth.sceneId()).isEqualTo(12);
        assertThat(truth.primary().temperatureK()).isEqualTo(scene.primary().temperatureK());
    }
}
