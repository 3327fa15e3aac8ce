package dev.edgevl.bench.inference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A core of its own for the job, on a machine the bench shares with its own broker and writer. A bench that offers the
 * job twice what it can take makes the broker and the writer work twice as hard on the same cores, and the job's task
 * thread then waits for a CPU while it could run: what that measures is the machine, not the job. On Linux, with at
 * least two CPUs and {@code taskset} on the path, a daemon thread keeps every thread of this JVM off the last CPU it
 * may use, except the job's (its task thread and its source's fetcher) and the JVM's own (GC, JIT), which may run on
 * any: the last CPU is left to the job. It looks every 200 ms for threads started since. Threads are told apart by their
 * kernel names ({@code /proc/self/task/TID/comm}: the first 15 characters of the Java name).
 *
 * <p>On Linux, {@link #task()} also reads how long the job's task thread ran and how long it waited, runnable, for a
 * CPU ({@code schedstat}): with or without the core kept, it says how much of the machine the job had.
 */
final class JobCore implements AutoCloseable {
    /** Kernel names of the job's threads: {@code Source: frames.paired -> annotate -> ...} and its fetcher. */
    private static final String TASK = "Source: frames.";

    private static final String FETCHER = "Source Data Fet";
    /** Kernel names of the JVM's own threads: GC and the compilers may run where the job does. */
    private static final List<String> JVM = List.of("GC Thread", "G1 ", "C1 CompilerThre", "C2 CompilerThre", "VM ");

    private static final Path TASKS = Path.of("/proc/self/task");

    /** Keys of {@link Sched#since}: cores the task thread ran on, and cores' worth of time it waited for a CPU. */
    static final String TASK_CORES = "taskCores";

    static final String TASK_WAITING = "taskWaiting";

    private final String all;
    private final String others;
    private final int jobCpu;
    private final Thread keeper;
    private volatile boolean running = true;
    /** The CPU list each thread was last given, by thread id. */
    private final Map<String, String> given = new HashMap<>();

    private JobCore(TreeSet<Integer> cpus) {
        this.all = list(cpus);
        this.jobCpu = cpus.last();
        TreeSet<Integer> rest = new TreeSet<>(cpus);
        rest.remove(jobCpu);
        this.others = list(rest);
        this.keeper = new Thread(this::keep, "bench-job-core");
        keeper.setDaemon(true);
    }

    /**
     * Keeps the last CPU for the job until {@link #close()}; empty, with the reason told to {@code log}, where it cannot
     * (not Linux, one CPU, no {@code taskset}).
     */
    static Optional<JobCore> keep(Consumer<String> log) {
        Optional<String> allowed = ownCpus();
        if (allowed.isEmpty()) {
            log.accept("The job shares every CPU with the bench (no /proc/self/status: not Linux).");
            return Optional.empty();
        }
        TreeSet<Integer> cpus = parse(allowed.get());
        if (cpus.size() < 2) {
            log.accept("The job shares the bench's only CPU (" + allowed.get() + ").");
            return Optional.empty();
        }
        JobCore core = new JobCore(cpus);
        try {
            core.give(ProcessHandle.current().pid(), core.others, true);
        } catch (IOException e) {
            log.accept("The job shares every CPU with the bench: taskset failed (" + e.getMessage() + ").");
            return Optional.empty();
        }
        core.keeper.start();
        log.accept("CPU " + core.jobCpu + " is the job's: the broker, the writer and the rest of the bench run on CPU "
                + core.others + " (taskset).");
        return Optional.of(core);
    }

    /** The CPU the job has to itself. */
    int cpu() {
        return jobCpu;
    }

    private void keep() {
        while (running) {
            Map<String, String> threads = threads();
            threads.forEach(this::keep);
            given.keySet().retainAll(threads.keySet()); // a thread id the kernel hands out again is looked at afresh
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Gives one thread the CPUs its name calls for, unless it has them. The name is read on every look, not once: a new
     * thread carries the name of the thread that started it until its own is set.
     */
    private void keep(String tid, String name) {
        String cpus = mayRunAnywhere(name) ? all : others;
        if (cpus.equals(given.get(tid))) {
            return;
        }
        Optional<String> now = read(TASKS.resolve(tid).resolve("status")).flatMap(JobCore::allowedList);
        try {
            if (now.isPresent() && !now.get().equals(cpus)) {
                give(Long.parseLong(tid), cpus, false);
            }
            given.put(tid, cpus);
        } catch (IOException e) {
            // Gone, or refused: looked at again next time.
        }
    }

    /** Kernel name of every thread of this JVM, by thread id; empty where there is no {@code /proc}. */
    private static Map<String, String> threads() {
        Map<String, String> names = new HashMap<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                read(task.resolve("comm"))
                        .ifPresent(name -> names.put(task.getFileName().toString(), name));
            }
        } catch (IOException | RuntimeException e) {
            // No /proc, or threads gone while listed: what was read so far.
        }
        return names;
    }

    /** Whether a thread of this kernel name may run on the job's CPU. */
    static boolean mayRunAnywhere(String name) {
        return isTask(name) || name.startsWith(FETCHER) || JVM.stream().anyMatch(name::startsWith);
    }

    static boolean isTask(String name) {
        return name.startsWith(TASK);
    }

    private void give(long id, String cpus, boolean wholeProcess) throws IOException {
        List<String> command = new ArrayList<>(List.of("taskset"));
        if (wholeProcess) {
            command.add("-a");
        }
        command.addAll(List.of("-p", "-c", cpus, Long.toString(id)));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("taskset did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("taskset " + String.join(" ", command.subList(1, command.size())) + " exited with "
                    + p.exitValue());
        }
    }

    /** Lets every thread run on every CPU again. */
    @Override
    public void close() {
        running = false;
        keeper.interrupt();
        try {
            keeper.join(5_000);
            give(ProcessHandle.current().pid(), all, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The bench is done; what the threads may use no longer matters to its figures.
        }
    }

    /**
     * Nanoseconds each task thread of the job (by thread id) ran and waited, runnable, for a CPU, at one moment (Linux
     * only).
     */
    record Sched(long nanoTime, Map<String, long[]> threads) {
        /**
         * Cores the task threads ran on and cores' worth of time they waited, from {@code before} to this snapshot: a
         * thread started since counts from zero, one gone since is left out.
         */
        Map<String, Double> since(Sched before) {
            double seconds = (nanoTime - before.nanoTime) / 1e9;
            if (threads.isEmpty()) {
                return Map.of(TASK_CORES, Double.NaN, TASK_WAITING, Double.NaN);
            }
            long run = 0;
            long wait = 0;
            for (Map.Entry<String, long[]> t : threads.entrySet()) {
                long[] earlier = before.threads.getOrDefault(t.getKey(), new long[2]);
                run += t.getValue()[0] - earlier[0];
                wait += t.getValue()[1] - earlier[1];
            }
            return Map.of(TASK_CORES, run / 1e9 / seconds, TASK_WAITING, wait / 1e9 / seconds);
        }
    }

    /** The job's task threads' times so far; empty where the kernel does not tell ({@code schedstat}). */
    static Optional<Sched> task() {
        if (!Files.isDirectory(TASKS)) {
            return Optional.empty();
        }
        Map<String, long[]> threads = new HashMap<>();
        for (Map.Entry<String, String> t : threads().entrySet()) {
            if (!isTask(t.getValue())) {
                continue;
            }
            Optional<String> stat = read(TASKS.resolve(t.getKey()).resolve("schedstat"));
            if (stat.isEmpty()) {
                return Optional.empty(); // a kernel without scheduler statistics
            }
            try {
                String[] f = stat.get().trim().split("\\s+");
                threads.put(t.getKey(), new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
            } catch (RuntimeException e) {
                return Optional.empty(); // not the three numbers it should be
            }
        }
        return Optional.of(new Sched(System.nanoTime(), threads));
    }

    private static Optional<String> ownCpus() {
        return read(Path.of("/proc/self/status")).flatMap(JobCore::allowedList);
    }

    /** The {@code Cpus_allowed_list} of a {@code /proc} status file. */
    static Optional<String> allowedList(String status) {
        return status.lines()
                .filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst();
    }

    /** A kernel CPU list ({@code 0-3,6,8-9}) as a set. */
    static TreeSet<Integer> parse(String list) {
        TreeSet<Integer> cpus = new TreeSet<>();
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1));
            for (int c = from; c <= to; c++) {
                cpus.add(c);
            }
        }
        return cpus;
    }

    /** A set of CPUs as the kernel writes it ({@code 0-3,6}). */
    static String list(TreeSet<Integer> cpus) {
        StringBuilder out = new StringBuilder();
        Integer start = null;
        Integer last = null;
        for (int c : cpus) {
            if (last != null && c == last + 1) {
                last = c;
                continue;
            }
            if (start != null) {
                append(out, start, last);
            }
            start = c;
            last = c;
        }
        if (start != null) {
            append(out, start, last);
        }
        return out.toString();
    }

    private static void append(StringBuilder out, int from, int to) {
        if (out.length() > 0) {
            out.append(',');
        }
        out.append(from);
        if (to > from) {
            out.append('-').append(to);
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
