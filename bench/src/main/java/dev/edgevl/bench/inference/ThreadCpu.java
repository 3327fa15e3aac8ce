package dev.edgevl.bench.inference;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a bench's JVM spends its CPU: the CPU time of every live thread and of the whole process at one moment, so that
 * two snapshots give the cores each group of threads used in between. A bench that runs the broker, the job and the
 * fleet in one JVM on the same cores says with it how much of the machine the job itself had. On Linux it also takes how
 * long the job's task thread ran and waited for a CPU ({@link JobCore#task()}).
 */
final class ThreadCpu {
    /** The group that takes what no named thread used: the broker, Flink's runtime, threads gone since, GC and JIT. */
    static final String REST = "rest";
    /** The whole JVM. */
    static final String PROCESS = "process";

    private final long nanoTime;
    private final long processNanos;
    private final Map<Long, Sample> threads;
    private final Optional<JobCore.Sched> task;

    private record Sample(String name, long cpuNanos) {}

    private ThreadCpu(long nanoTime, long processNanos, Map<Long, Sample> threads, Optional<JobCore.Sched> task) {
        this.nanoTime = nanoTime;
        this.processNanos = processNanos;
        this.threads = threads;
        this.task = task;
    }

    static ThreadCpu now() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Map<Long, Sample> threads = new HashMap<>();
        if (bean.isThreadCpuTimeSupported()) {
            for (ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds())) {
                if (info != null) {
                    long cpu = bean.getThreadCpuTime(info.getThreadId());
                    if (cpu >= 0) {
                        threads.put(info.getThreadId(), new Sample(info.getThreadName(), cpu));
                    }
                }
            }
        }
        long process = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
        return new ThreadCpu(System.nanoTime(), process, threads, JobCore.task());
    }

    /**
     * Cores used from {@code before} to this snapshot by each group {@code group} names for a thread (null: no group,
     * counted in {@link #REST}), plus {@link #PROCESS}, the whole JVM; empty when the JVM does not measure it. Where
     * the kernel tells, also {@link JobCore#TASK_CORES} and {@link JobCore#TASK_WAITING} ({@link JobCore.Sched#since}).
     */
    Map<String, Double> coresSince(ThreadCpu before, Function<String, String> group) {
        Map<String, Double> cores = new LinkedHashMap<>();
        double seconds = (nanoTime - before.nanoTime) / 1e9;
        if (seconds <= 0 || processNanos < 0 || before.processNanos < 0) {
            return cores;
        }
        double named = 0;
        for (Map.Entry<Long, Sample> t : threads.entrySet()) {
            String g = group.apply(t.getValue().name());
            if (g == null) {
                continue;
            }
            Sample earlier = before.threads.get(t.getKey());
            long used = t.getValue().cpuNanos() - (earlier == null ? 0 : earlier.cpuNanos());
            cores.merge(g, used / 1e9 / seconds, Double::sum);
            named += used / 1e9 / seconds;
        }
        double process = (processNanos - before.processNanos) / 1e9 / seconds;
        cores.put(REST, Math.max(0, process - named));
        cores.put(PROCESS, process);
        if (task.isPresent() && before.task.isPresent()) {
            cores.putAll(task.get().since(before.task.get()));
        }
        return cores;
    }
}
