package dev.edgevl.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.Test;

class UniqueNamesTest {

    @Test
    void namesArePrefixedLegalTopicNamesAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String name = UniqueNames.uniqueName("frames");
            assertThat(name).matches("frames-[0-9a-f]{12}");
            Topic.validate(name);
            seen.add(name);
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void illegalPrefixIsRejected() {
        assertThatThrownBy(() -> UniqueNames.uniqueName("bad topic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad topic'");
        assertThatThrownBy(() -> UniqueNames.uniqueName("")).isInstanceOf(IllegalArgumentException.class);
    }
}
