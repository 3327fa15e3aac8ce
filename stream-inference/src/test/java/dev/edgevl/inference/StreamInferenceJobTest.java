package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamInferenceJobTest {
    @TempDir
    Path dir;

    @Test
    void theFrameSourceTheOperatorAndTheSinkRunInOneTaskSoNoPairCrossesTheNetworkStack() throws Exception {
        JobGraph job = jobGraph(Map.of(InferenceConfig.PARALLELISM.key(), "2"));
        JobVertex source = StreamSupport.stream(job.getVertices().spliterator(), false)
                .filter(v -> v.getName().contains("frames.paired"))
                .findFirst()
                .orElseThrow();
        assertThat(source.getName()).contains("annotate").contains("annotations+requests+dlq");
        assertThat(job.getNumberOfVertices()).as("one sink, one chain").isEqualTo(1);
        assertThat(source.getParallelism()).isEqualTo(2);
        // Nothing reads the frames but that chain: no vertex takes the source's output over an exchange.
        assertThat(source.getProducedDataSets()).allSatisfy(data -> assertThat(data.getConsumers())
                .allSatisfy(edge -> assertThat(edge.getShipStrategyName()).isNotEqualTo("HASH")));
    }

    private JobGraph jobGraph(Map<String, String> overrides) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Settings settings = Settings.of(overrides)
                .with(
                        InferenceConfig.TRUSTED_KEYS.key(),
                        TestWorld.writePublicKey(dir).toString());
        StreamInferenceJob.build(env, settings, "localhost:9092");
        JobGraph job = env.getStreamGraph().getJobGraph();
        job.getVertices().forEach(v -> System.out.println("vertex: " + v.getName()));
        return job;
    }
}
