package dev.edgevl.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void theCatalogueHasEveryTopicOfTheDesignOnce() {
        List<String> names = Topics.ALL.stream().map(Topic::name).toList();
        assertThat(names)
                .containsExactly(
                        "frames.rgb",
                        "frames.aux",
                        "frames.paired",
                        "frames.annotated",
                        "teacher.requests",
                        "teacher.embeddings",
                        "labels",
                        "labels.embedded",
                        "models",
                        "fleet.status",
                        "sim.truth");
        assertThat(Set.copyOf(names)).hasSize(names.size());
    }

    @Test
    void vocabularyAndModelsAreCompactedTheRestExpire() {
        Set<String> compacted = Topics.ALL.stream()
                .filter(t -> t.cleanupPolicy() == CleanupPolicy.COMPACT)
                .map(Topic::name)
                .collect(Collectors.toSet());
        assertThat(compacted).containsExactlyInAnyOrder("labels", "labels.embedded", "models");
        Topics.ALL.stream()
                .filter(t -> t.cleanupPolicy() == CleanupPolicy.DELETE)
                .forEach(t -> assertThat(t.retention()).as(t.name()).isPresent());
        assertThat(Topics.LABELS.configs())
                .containsEntry("cleanup.policy", "compact")
                .doesNotContainKey("retention.ms");
        assertThat(Topics.FRAMES_RGB.configs())
                .containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", Long.toString(Duration.ofDays(1).toMillis()));
    }

    @Test
    void theModelsTopicTakesInlineBundles() {
        assertThat(Topics.MODELS.configs())
                .containsEntry("max.message.bytes", Integer.toString(Topics.MAX_MODEL_MESSAGE_BYTES));
        assertThat(Topics.MODELS.deadLetter().configs())
                .containsEntry("max.message.bytes", Integer.toString(Topics.MAX_MODEL_MESSAGE_BYTES));
        assertThat(Topics.FRAMES_RGB.deadLetter().configs()).doesNotContainKey("max.message.bytes");
    }

    @Test
    void everyTopicHasADeadLetterTopic() {
        List<Topic<?, ?>> all = Topics.withDeadLetters();
        assertThat(all).hasSize(2 * Topics.ALL.size());
        Topic<byte[], byte[]> dlq = Topics.FRAMES_PAIRED.deadLetter();
        assertThat(dlq.name()).isEqualTo("frames.paired.dlq").isEqualTo(DeadLetters.topicFor("frames.paired"));
        assertThat(dlq.keyType()).isEqualTo(byte[].class);
        assertThat(dlq.retention()).contains(Duration.ofDays(14));
    }

    @Test
    void serdesFollowTheTopicsTypes() {
        AvroSerdes serdes = AvroSerdes.singleObject();
        byte[] key = serdes.keySerde(Topics.FRAMES_PAIRED).serializer().serialize("frames.paired", "dev-7");
        assertThat(new String(key, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("dev-7");
        assertThat(serdes.valueSerde(Topics.FRAMES_PAIRED).deserializer().deserialize("frames.paired", null))
                .isNull();
        FramePair pair = dev.edgevl.schemas.SampleRecords.pair("dev-7", 1);
        byte[] value = serdes.valueSerde(Topics.FRAMES_PAIRED).serializer().serialize("frames.paired", pair);
        assertThat(serdes.valueSerde(Topics.FRAMES_PAIRED).deserializer().deserialize("frames.paired", value))
                .isEqualTo(pair);
        assertThat(serdes.valueSerde(Topics.MODELS.deadLetter()).serializer().serialize("models.dlq", new byte[] {1}))
                .containsExactly(1);
        assertThat(Topics.byName("models")).contains(Topics.MODELS);
        assertThat(Topics.MODELS.valueType()).isEqualTo(ModelVersion.class);
    }

    @Test
    void compactedTopicsHaveNoRetentionTime() {
        assertThatThrownBy(() -> Topics.LABELS.withRetention(Duration.ofDays(1)))
                .isInstanceOf(IllegalStateException.class);
    }
}
