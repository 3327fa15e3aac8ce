package dev.edgevl.bench.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * What the processes of a {@link StandaloneFlinkCluster} start with: the Flink settings written to {@code config.yaml},
 * and per process the JVM options and dynamic properties that Flink's own start scripts would compute from them (heap,
 * direct and metaspace limits from the process memory).
 */
final class FlinkProcessConfig {
    private final Map<String, Object> settings = new LinkedHashMap<>();

    /**
     * @param defaults  the cluster's settings ({@link List} values are YAML lists)
     * @param overrides settings over them; a null value removes a default
     */
    FlinkProcessConfig(Map<String, Object> defaults, Map<String, Object> overrides) {
        settings.putAll(defaults);
        overrides.forEach((key, value) -> {
            if (value == null) {
                settings.remove(key);
            } else {
                settings.put(key, value);
            }
        });
    }

    /** The ports picked for this start: REST, the JobManager's RPC, the blob server. */
    void ports(int rest, int rpc, int blob) {
        settings.put("rest.port", Integer.toString(rest));
        settings.put("rest.bind-port", Integer.toString(rest));
        settings.put("jobmanager.rpc.port", Integer.toString(rpc));
        settings.put("blob.server.port", Integer.toString(blob));
    }

    /** JVM options, then {@code --}, then the entry point's dynamic properties ({@code -D key=value}). */
    List<String> jobManagerArguments() {
        Configuration conf = Configuration.fromMap(scalarSettings());
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(conf);
        List<String> args = new ArrayList<>(words(JobManagerProcessUtils.generateJvmParametersStr(spec, conf)));
        args.add("--");
        args.addAll(words(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
        return args;
    }

    List<String> taskManagerArguments() {
        TaskExecutorProcessSpec spec =
                TaskExecutorProcessUtils.processSpecFromConfig(Configuration.fromMap(scalarSettings()));
        List<String> args = new ArrayList<>(words(ProcessMemoryUtils.generateJvmParametersStr(spec)));
        args.add("--");
        args.addAll(words(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        return args;
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private Map<String, String> scalarSettings() {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (v instanceof String s) {
                out.put(k, s);
            }
        });
        return out;
    }

    /** The settings as Flink 2 reads them from {@code config.yaml}. */
    String yaml() {
        StringBuilder s = new StringBuilder("# Written by ")
                .append(StandaloneFlinkCluster.class.getName())
                .append("; Flink 2 reads config.yaml (flattened keys are fine).\n");
        settings.forEach((k, v) -> {
            s.append(k).append(": ");
            if (v instanceof List<?> list) {
                s.append(list.stream()
                        .map(e -> yamlString(String.valueOf(e)))
                        .collect(Collectors.joining(", ", "[", "]")));
            } else {
                s.append(yamlString(String.valueOf(v)));
            }
            s.append('\n');
        });
        return s.toString();
    }

    private static String yamlString(String v) {
        return "'" + v.replace("'", "''") + "'";
    }

    /** Each process logs to the file named by its {@code -Dlog.file}. */
    static String log4j() {
        return """
                # Written by StandaloneFlinkCluster: each process logs to the file named by -Dlog.file.
                monitorInterval = 0
                rootLogger.level = INFO
                rootLogger.appenderRef.main.ref = MainAppender
                logger.kafka.name = org.apache.kafka
                logger.kafka.level = WARN
                logger.netty.name = org.apache.flink.shaded.netty4.io.netty.channel.DefaultChannelPipeline
                logger.netty.level = OFF
                appender.main.name = MainAppender
                appender.main.type = File
                appender.main.append = true
                appender.main.fileName = ${sys:log.file}
                appender.main.layout.type = PatternLayout
                appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
                """;
    }
}
