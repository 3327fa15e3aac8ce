package dev.edgevl.model.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptsTest {
    @Test
    void theDefaultTemplatesReadAsTheWorldsCaptionsDo() {
        assertThat(Prompts.templates("cube"))
                .containsExactly("a photo of a cube", "a picture of a cube", "a cube", "there is a cube on the floor");
        assertThat(Prompts.templates("octahedron"))
                .containsExactly(
                        "a photo of an octahedron",
                        "a picture of an octahedron",
                        "an octahedron",
                        "there is an octahedron on the floor");
    }

    @Test
    void aTemplateTakesTheLabelWhereItsPlaceholderIs() {
        assertThat(Prompts.fill(List.of("a depth image of a {}.", "{} on a pallet", "forklift photo"), "forklift"))
                .containsExactly("a depth image of a forklift.", "forklift on a pallet", "forklift photo forklift");
    }
}
