package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamInferenceJobTest {
    @TempDir
    Path dir;

    @Test
    void theFrameSourceHandsOnPartBuffersAfterTheConfiguredTimeoutNotFlinksHundredMilliseconds() throws Exception {
        assertThat(bufferTimeoutOfTheFrameSource(Map.of())).isEqualTo(5);
        assertThat(bufferTimeoutOfTheFrameSource(Map.of(InferenceConfig.BUFFER_TIMEOUT.key(), "0ms")))
                .isZero();
    }

    private long bufferTimeoutOfTheFrameSource(Map<String, String> overrides) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Settings settings = Settings.of(overrides)
                .with(
                        InferenceConfig.TRUSTED_KEYS.key(),
                        TestWorld.writePublicKey(dir).toString());
        StreamInferenceJob.build(env, settings, "localhost:9092");
        StreamGraph graph = env.getStreamGraph();
        return graph.getStreamNodes().stream()
                .filter(node -> node.getOperatorName().contains("frames.paired"))
                .mapToLong(StreamNode::getBufferTimeout)
                .findFirst()
                .orElseThrow();
    }
}
