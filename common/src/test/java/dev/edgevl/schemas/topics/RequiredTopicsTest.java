package dev.edgevl.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequiredTopicsTest {
    private static final RequiredTopics FRAME_SYNC = RequiredTopics.of(
                    "Frame sync", Topics.FRAMES_RGB, Topics.FRAMES_AUX, Topics.FRAMES_PAIRED)
            .withDeadLetters(Topics.FRAMES_RGB, Topics.FRAMES_AUX)
            .samePartitions(
                    Topics.FRAMES_RGB, Topics.FRAMES_AUX, "a device's frames only meet when both have the same number");

    @Test
    void theTopicCheckNamesMissingTopicsAndMismatchedPartitions() {
        assertThat(FRAME_SYNC.problems(Map.of(
                        "frames.rgb",
                        6,
                        "frames.aux",
                        6,
                        "frames.paired",
                        6,
                        "frames.rgb.dlq",
                        1,
                        "frames.aux.dlq",
                        1)))
                .isEmpty();

        List<String> problems = FRAME_SYNC.problems(Map.of("frames.rgb", 6, "frames.aux", 3, "frames.paired", 6));

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0))
                .startsWith("Frame sync needs the topics frames.rgb.dlq, frames.aux.dlq")
                .contains("edgevl topics create");
        assertThat(problems.get(1))
                .isEqualTo("frames.rgb has 6 partitions but frames.aux has 3; a device's frames only meet when both "
                        + "have the same number.");
    }
}
