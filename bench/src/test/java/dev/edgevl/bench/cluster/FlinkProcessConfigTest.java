package dev.edgevl.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlinkProcessConfigTest {
    private static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("jobmanager.memory.process.size", "768m");
        d.put("taskmanager.memory.process.size", "1200m");
        d.put("taskmanager.memory.managed.size", "16m");
        d.put("web.tmpdir", "/tmp/it's here");
        d.put("classloader.parent-first-patterns.additional", List.of("ai.onnxruntime."));
        return d;
    }

    @Test
    void overridesReplaceOrRemoveDefaultsAndTheYamlQuotesEveryValue() {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("taskmanager.memory.managed.size", "32m");
        overrides.put("classloader.parent-first-patterns.additional", null);
        FlinkProcessConfig config = new FlinkProcessConfig(defaults(), overrides);
        config.ports(8081, 6123, 6124);

        String yaml = config.yaml();
        assertThat(yaml)
                .contains("taskmanager.memory.managed.size: '32m'")
                .contains("web.tmpdir: '/tmp/it''s here'")
                .contains("rest.port: '8081'")
                .contains("rest.bind-port: '8081'")
                .contains("jobmanager.rpc.port: '6123'")
                .contains("blob.server.port: '6124'")
                .doesNotContain("parent-first-patterns");
        assertThat(new FlinkProcessConfig(defaults(), Map.of()).yaml())
                .contains("classloader.parent-first-patterns.additional: ['ai.onnxruntime.']");
    }

    @Test
    void processArgumentsAreTheJvmLimitsFlinkComputesThenItsDynamicProperties() {
        FlinkProcessConfig config = new FlinkProcessConfig(defaults(), Map.of());
        for (List<String> args : List.of(config.jobManagerArguments(), config.taskManagerArguments())) {
            int split = args.indexOf("--");
            assertThat(split).isPositive();
            assertThat(args.subList(0, split)).anySatisfy(a -> assertThat(a).startsWith("-Xmx"));
            assertThat(args.subList(split + 1, args.size())).contains("-D").isNotEmpty();
        }
        assertThat(config.taskManagerArguments())
                .anySatisfy(a -> assertThat(a).startsWith("taskmanager.memory.managed.size="));
    }
}
