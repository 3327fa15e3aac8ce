package dev.edgevl.bench.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class JobCoreTest {
    @Test
    void readsAndWritesKernelCpuLists() {
        assertThat(JobCore.parse("0-3,6,8-9")).containsExactly(0, 1, 2, 3, 6, 8, 9);
        assertThat(JobCore.parse("5")).containsExactly(5);
        assertThat(JobCore.list(new TreeSet<>(List.of(0, 1, 2, 3, 6, 8, 9)))).isEqualTo("0-3,6,8-9");
        assertThat(JobCore.list(new TreeSet<>(List.of(4)))).isEqualTo("4");
        assertThat(JobCore.allowedList("Name:\tjava\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\nMems_allowed:\t1\n"))
                .contains("0-1");
    }

    @Test
    void onlyTheJobsThreadsAndTheJvmsOwnMayRunOnTheJobsCpu() {
        assertThat(JobCore.mayRunAnywhere("Source: frames.")).isTrue();
        assertThat(JobCore.mayRunAnywhere("Source Data Fet")).isTrue();
        assertThat(JobCore.mayRunAnywhere("GC Thread#0")).isTrue();
        assertThat(JobCore.mayRunAnywhere("C2 CompilerThre")).isTrue();
        assertThat(JobCore.mayRunAnywhere("data-plane-kafk")).isFalse();
        assertThat(JobCore.mayRunAnywhere("kafka-producer-")).isFalse();
        assertThat(JobCore.mayRunAnywhere("overload-writer")).isFalse();
    }

    @Test
    void aTaskThreadStartedSinceCountsFromZeroAndOneGoneIsLeftOut() {
        JobCore.Sched before =
                new JobCore.Sched(0, Map.of("1", new long[] {1_000_000_000L, 0}, "2", new long[] {9L << 40, 9L << 40}));
        JobCore.Sched after = new JobCore.Sched(
                2_000_000_000L,
                Map.of("1", new long[] {1_600_000_000L, 200_000_000L}, "3", new long[] {400_000_000L, 400_000_000L}));
        Map<String, Double> used = after.since(before);
        assertThat(used.get("taskCores")).isCloseTo(0.5, within(1e-9));
        assertThat(used.get("taskWaiting")).isCloseTo(0.3, within(1e-9));
        assertThat(new JobCore.Sched(1_000_000_000L, Map.of()).since(before).get("taskCores"))
                .isNaN();
    }

    /** The real thing, where it can run: Linux, two CPUs or more, taskset. */
    @Test
    void keepsTheLastCpuForTheJobAndGivesEveryCpuBackOnClose() throws Exception {
        TreeSet<Integer> cpus = ownCpus();
        assumeTrue(cpus.size() >= 2, "two CPUs or more");
        assumeTrue(taskset(), "taskset on the path");
        String all = JobCore.list(cpus);
        TreeSet<Integer> rest = new TreeSet<>(cpus);
        rest.remove(cpus.last());
        String others = JobCore.list(rest);

        CountDownLatch done = new CountDownLatch(1);
        List<Thread> parked = new ArrayList<>();
        List<String> log = new ArrayList<>();
        try {
            try (JobCore core = JobCore.keep(log::add).orElseThrow()) {
                assertThat(core.cpu()).isEqualTo(cpus.last());
                // Started after, by this thread (kept off the job's CPU with the rest): one inherits that, the other is
                // given every CPU again.
                parked.add(park("jobcore-probe", done));
                parked.add(park("Source: frames.paired -> probe", done));
                assertThat(awaitAllowed("jobcore-probe", others)).isEqualTo(others);
                assertThat(awaitAllowed("Source: frames.", all)).isEqualTo(all);
                assertThat(JobCore.task())
                        .get()
                        .extracting(t -> t.threads().size())
                        .isEqualTo(1);
            }
            assertThat(allowedOf("jobcore-probe")).contains(all);
            assertThat(log).singleElement().asString().contains("CPU " + cpus.last() + " is the job's");
        } finally {
            done.countDown();
            for (Thread t : parked) {
                t.join(5_000);
            }
        }
    }

    private static Thread park(String name, CountDownLatch done) {
        Thread t = new Thread(
                () -> {
                    try {
                        done.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                name);
        t.start();
        return t;
    }

    private static String awaitAllowed(String comm, String expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Optional<String> now = allowedOf(comm);
        while (!now.equals(Optional.of(expected)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            now = allowedOf(comm);
        }
        return now.orElse("no thread " + comm);
    }

    /** The CPU list of the thread whose kernel name starts with {@code comm}. */
    private static Optional<String> allowedOf(String comm) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().startsWith(comm)) {
                        return JobCore.allowedList(Files.readString(task.resolve("status")));
                    }
                } catch (IOException gone) {
                    // a thread that ended meanwhile
                }
            }
        }
        return Optional.empty();
    }

    private static TreeSet<Integer> ownCpus() throws IOException {
        Path status = Path.of("/proc/self/status");
        assumeTrue(Files.exists(status), "Linux");
        return JobCore.parse(JobCore.allowedList(Files.readString(status)).orElseThrow());
    }

    private static boolean taskset() {
        try {
            Process p = new ProcessBuilder(
                            "taskset",
                            "-p",
                            Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
