package dev.edgevl.ingest.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequiredTopicsTest {

    @Test
    void theTopicCheckNamesMissingTopicsAndMismatchedPartitions() {
        assertThat(RequiredTopics.problems(Map.of("frames.rgb", 6, "frames.aux", 6, "frames.paired", 6, "frames.rgb.dlq", 1,
                "frames.aux.dlq", 1))).isEmpty();

        List<String> problems = RequiredTopics.problems(Map.of("frames.rgb", 6, "frames.aux", 3, "frames.paired", 6));

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("frames.rgb.dlq, frames.aux.dlq").contains("edgevl topics create");
        assertThat(problems.get(1)).contains("frames.rgb has 6 partitions but frames.aux has 3");
    }
}
