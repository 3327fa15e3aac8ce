package dev.edgevl.bench.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.bench.BenchResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code edgevl bench overload}, short: the job offered three times its capacity sheds pairs (SHED annotations) and
 * still gives every pair written exactly one annotation. No speed is asserted: the figures are the bench's to report.
 */
class OverloadBenchIT {
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void anOverloadedJobShedsAndAccountsForEveryPair() throws Exception {
        List<String> log = new ArrayList<>();
        BenchResult result = OverloadBench.run(3, 15, Duration.ofMillis(300), 3_000, true, log::add);
        Map<String, Double> f = result.figures();
        System.out.println(result.sentence());

        assertThat(f.get("pairsAccountedFor"))
                .as("every pair written got an annotation, by the student or SHED")
                .isEqualTo(f.get("pairsWritten"))
                .isPositive();
        assertThat(f.get("duplicateAnnotations")).isZero();
        assertThat(f.get("shedFramesPerSecond"))
                .as("offered %.1fx its capacity, the job sheds", f.get("offeredOverCapacity"))
                .isPositive();
        assertThat(f.get("annotatedFramesPerSecond")).isPositive();
        assertThat(f.get("heapMaxMegabytes")).isLessThan(f.get("xmxMegabytes"));
        assertThat(result.sentence()).contains("shed", "-Xmx");
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            // Linux: the task thread's own times, each phase counted from its own start.
            assertThat(f.get("capacityTaskCores")).isPositive();
            assertThat(f.get("overloadCores.taskCores")).isPositive();
            assertThat(f.get("capacityTaskWaiting")).isNotNegative();
            assertThat(f.get("overloadCores.taskWaiting")).isNotNegative();
        }
    }
}
