package dev.edgevl.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Flink standalone session cluster on this machine, as separate processes: one JobManager
 * ({@value #JOB_MANAGER_MAIN}) and N TaskManagers ({@value #TASK_MANAGER_MAIN}), each a {@code java} process of its own
 * (the running JVM's {@code java}) started with {@code --configDir} pointing at a {@code config.yaml} written here.
 *
 * <ul>
 *   <li>Class path: Flink and its dependencies as Maven Central's jars, from this JVM's class path less the project's
 *       own code and the Kafka connector ({@link ClusterClassPath}): a job can only come from a submitted jar.</li>
 *   <li>Configuration: free ports for REST, RPC and the blob server, everything bound to {@code localhost}, a small
 *       memory budget (JobManager {@value #DEFAULT_JOB_MANAGER_MEMORY}, TaskManager
 *       {@value #DEFAULT_TASK_MANAGER_MEMORY} of process memory, one slot each), checkpoints to files in the cluster's
 *       directory, and {@code classloader.parent-first-patterns.additional: [ai.onnxruntime.]}
 *       ({@link #ORT_PARENT_FIRST}).</li>
 *   <li>JVM options as Flink's scripts compute them (heap, direct and metaspace limits from the process memory, and
 *       the {@code --add-opens} Flink needs on Java 17).</li>
 *   <li>Files, in the cluster's directory: {@code conf/} ({@code config.yaml}, {@code log4j.properties}), per process
 *       {@code log/<name>.log} and {@code log/<name>.out} (stdout and stderr), {@code tmp/} (the processes'
 *       {@code java.io.tmpdir} and {@code io.tmp.dirs}), {@code jars/} (uploaded jars).</li>
 * </ul>
 *
 * {@link #close()} stops the processes (SIGTERM, then a forced kill after {@value #GRACE_SECONDS} s) and deletes the
 * directory. A shutdown hook kills them too should the JVM exit without closing the cluster.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
    public static final String JOB_MANAGER_MAIN =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    public static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    /**
     * ONNX Runtime's package, loaded parent-first: from the cluster's class path, once per TaskManager, for every job.
     * The JVM lets one class loader load a given native library file. Child-first from the job jar, each job's class
     * loader loads a copy of its own: by default ONNX Runtime extracts the library (~28 MB) into a new temp directory
     * per loader, so it works but every job adds a copy; with the library in a fixed place
     * ({@code -Donnxruntime.native.path=DIR}, e.g. a read-only image) the second job on a TaskManager fails with
     * {@code UnsatisfiedLinkError: Native Library ... already loaded in another classloader}. Both seen on this cluster.
     */
    public static final String ORT_PARENT_FIRST = "ai.onnxruntime.";

    public static final String DEFAULT_JOB_MANAGER_MEMORY = "768m";
    public static final String DEFAULT_TASK_MANAGER_MEMORY = "1200m";

    private static final int GRACE_SECONDS = 10;
    private static final int START_ATTEMPTS = 3;
    private static final String LOCALHOST = "localhost";
    /** What Flink's distribution passes to every JVM on Java 17 (its default {@code env.java.opts.all}). */
    static final List<String> JAVA_17_OPTIONS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Path dir;
    private final Path confDir;
    private final Path logDir;
    private final Path tmpDir;
    private final boolean keepLogs;
    private final List<Path> classPath;
    private final FlinkProcessConfig config;
    private final List<String> jvmOptions;
    private final int slotsPerTaskManager;
    private final FlinkRestClient rest = new FlinkRestClient(this::restUrl, () -> logTails(40));
    private final Thread shutdownHook;
    private final List<Node> taskManagers = new ArrayList<>();
    private Node jobManager;
    private int restPort;
    private boolean closed;

    /** One process of the cluster; {@code killed} when it was stopped on purpose (so its exit is no failure). */
    private static final class Node {
        final String name;
        final Process process;
        final Path log;
        final Path out;
        volatile boolean killed;

        Node(String name, Process process, Path log, Path out) {
            this.name = name;
            this.process = process;
            this.log = log;
            this.out = out;
        }
    }

    private StandaloneFlinkCluster(Builder b, Path dir) throws IOException {
        this.dir = dir;
        this.confDir = Files.createDirectories(dir.resolve("conf"));
        this.logDir = Files.createDirectories(dir.resolve("log"));
        this.tmpDir = Files.createDirectories(dir.resolve("tmp"));
        // Flink looks for plugins in ./plugins (the processes' working directory is the cluster's directory).
        Files.createDirectories(dir.resolve("plugins"));
        this.keepLogs = b.keepLogs;
        this.classPath = b.classPath != null ? List.copyOf(b.classPath) : ClusterClassPath.ofThisJvm();
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.slotsPerTaskManager = b.slotsPerTaskManager;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("jobmanager.rpc.address", LOCALHOST);
        settings.put("jobmanager.bind-host", LOCALHOST);
        settings.put("jobmanager.memory.process.size", b.jobManagerMemory);
        settings.put("taskmanager.host", LOCALHOST);
        settings.put("taskmanager.bind-host", LOCALHOST);
        settings.put("taskmanager.numberOfTaskSlots", Integer.toString(b.slotsPerTaskManager));
        settings.put("taskmanager.memory.process.size", b.taskManagerMemory);
        // The job keeps its state on the heap (no RocksDB): little managed memory; a small fixed network pool.
        settings.put("taskmanager.memory.managed.size", "16m");
        settings.put("taskmanager.memory.network.min", "64m");
        settings.put("taskmanager.memory.network.max", "64m");
        settings.put("rest.address", LOCALHOST);
        settings.put("rest.bind-address", LOCALHOST);
        settings.put("web.submit.enable", "true");
        settings.put("web.tmpdir", dir.resolve("web").toString());
        settings.put("web.upload.dir", dir.resolve("jars").toString());
        settings.put("io.tmp.dirs", tmpDir.toString());
        settings.put("parallelism.default", "1");
        // Checkpoints go to files, as on a real cluster, not into the JobManager's heap.
        String checkpoints = dir.resolve("checkpoints").toUri().toString();
        settings.put("execution.checkpointing.dir", checkpoints);
        settings.put("classloader.parent-first-patterns.additional", List.of(ORT_PARENT_FIRST));
        // A TaskManager that dies is noticed within seconds (RPC failures to it), not after Flink's 50 s default.
        settings.put("heartbeat.interval", "2000");
        settings.put("heartbeat.timeout", "20000");
        this.config = new FlinkProcessConfig(settings, b.config);
        Files.writeString(confDir.resolve("log4j.properties"), FlinkProcessConfig.log4j());
        this.shutdownHook = new Thread(this::killAll, "flink-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A cluster of one JobManager and {@code taskManagers} TaskManagers with one slot each, defaults otherwise. */
    public static StandaloneFlinkCluster start(int taskManagers) throws IOException {
        return builder().taskManagers(taskManagers).start();
    }

    public static final class Builder {
        private int taskManagers = 2;
        private int slotsPerTaskManager = 1;
        private String jobManagerMemory = DEFAULT_JOB_MANAGER_MEMORY;
        private String taskManagerMemory = DEFAULT_TASK_MANAGER_MEMORY;
        private final Map<String, Object> config = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private List<Path> classPath;
        private Duration startupTimeout = Duration.ofMinutes(2);
        private Path parent;
        private boolean keepLogs;

        private Builder() {}

        public Builder taskManagers(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("task managers must not be negative, got " + n);
            }
            this.taskManagers = n;
            return this;
        }

        public Builder slotsPerTaskManager(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("slots per task manager must be at least 1, got " + n);
            }
            this.slotsPerTaskManager = n;
            return this;
        }

        /** {@code jobmanager.memory.process.size}, e.g. {@code 768m}. */
        public Builder jobManagerMemory(String size) {
            this.jobManagerMemory = Objects.requireNonNull(size);
            return this;
        }

        /** {@code taskmanager.memory.process.size}, e.g. {@code 1200m}. */
        public Builder taskManagerMemory(String size) {
            this.taskManagerMemory = Objects.requireNonNull(size);
            return this;
        }

        /**
         * One Flink setting in {@code config.yaml}, over the defaults; a {@link List} value is written as a YAML list;
         * null removes a default (e.g. {@code classloader.parent-first-patterns.additional}).
         */
        public Builder config(String key, Object value) {
            if (value != null && !(value instanceof String) && !(value instanceof List)) {
                value = String.valueOf(value);
            }
            config.put(Objects.requireNonNull(key), value);
            return this;
        }

        /** An extra option for every process's JVM. */
        public Builder jvmOption(String option) {
            jvmOptions.add(Objects.requireNonNull(option));
            return this;
        }

        /** The processes' class path instead of the one derived from this JVM's. */
        public Builder classPath(List<Path> jars) {
            this.classPath = List.copyOf(jars);
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Where the cluster's directory is made (a new one inside); the system's temp directory by default. */
        public Builder parentDirectory(Path dir) {
            this.parent = dir;
            return this;
        }

        /** Keep {@code log/} when the cluster closes (the rest of its directory is deleted). */
        public Builder keepLogs(boolean keep) {
            this.keepLogs = keep;
            return this;
        }

        /** Starts the processes and waits until the REST endpoint reports every TaskManager and slot. */
        public StandaloneFlinkCluster start() throws IOException {
            Path dir;
            if (parent == null) {
                dir = Files.createTempDirectory("edgevl-flink-");
            } else {
                Files.createDirectories(parent);
                dir = Files.createTempDirectory(parent, "flink-cluster-");
            }
            StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(this, dir);
            try {
                cluster.launch(taskManagers, startupTimeout);
                return cluster;
            } catch (RuntimeException | IOException e) {
                cluster.close();
                throw e;
            }
        }
    }

    private void launch(int taskManagerCount, Duration timeout) throws IOException {
        for (int attempt = 1; ; attempt++) {
            int rest = freePort(Set.of());
            int rpc = freePort(Set.of(rest));
            int blob = freePort(Set.of(rest, rpc));
            config.ports(rest, rpc, blob);
            restPort = rest;
            Files.writeString(confDir.resolve("config.yaml"), config.yaml());
            jobManager = spawn("jobmanager", JOB_MANAGER_MAIN, config.jobManagerArguments());
            for (int i = 0; i < taskManagerCount; i++) {
                startTaskManagerProcess();
            }
            try {
                awaitTaskManagers(taskManagerCount, timeout);
                return;
            } catch (IllegalStateException e) {
                boolean clash = attempt < START_ATTEMPTS
                        && !jobManager.process.isAlive()
                        && portClash(tail(jobManager.log, 400));
                if (!clash) {
                    throw e;
                }
                // A port picked as free was taken before the JobManager bound it: again with new ones.
                killAll();
                taskManagers.clear();
            }
        }
    }

    /**
     * Whether a JobManager's log says it could not bind a port: "Address already in use" from the RPC and blob
     * servers, a {@code BindException} naming no cause from the REST endpoint ("Could not start rest endpoint on any
     * port in port range ...").
     */
    static boolean portClash(String log) {
        return log.contains("Address already in use") || log.contains("java.net.BindException");
    }

    // ---- processes ----

    /** Starts one more TaskManager and returns its index (its log is {@code log/taskmanager-INDEX.log}). */
    public synchronized int startTaskManager() throws IOException {
        return startTaskManagerProcess();
    }

    private int startTaskManagerProcess() throws IOException {
        int index = taskManagers.size();
        taskManagers.add(spawn("taskmanager-" + index, TASK_MANAGER_MAIN, config.taskManagerArguments()));
        return index;
    }

    /**
     * Kills TaskManager {@code index} at once (SIGKILL: no clean shutdown, as when a machine dies) and waits until the
     * process is gone. The JobManager notices within a few seconds and restarts the jobs that ran there.
     */
    public synchronized void killTaskManager(int index) throws InterruptedException {
        Node node = taskManagers.get(index);
        node.killed = true;
        node.process.destroyForcibly();
        node.process.waitFor();
    }

    /** The indices of the TaskManager processes still running. */
    public synchronized List<Integer> liveTaskManagers() {
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < taskManagers.size(); i++) {
            if (taskManagers.get(i).process.isAlive()) {
                live.add(i);
            }
        }
        return live;
    }

    /** The process id of TaskManager {@code index}. */
    public synchronized long taskManagerPid(int index) {
        return taskManagers.get(index).process.pid();
    }

    public long jobManagerPid() {
        return jobManager.process.pid();
    }

    private Node spawn(String name, String mainClass, List<String> arguments) throws IOException {
        Path log = logDir.resolve(name + ".log");
        Path out = logDir.resolve(name + ".out");
        Path argFile = confDir.resolve(name + ".classpath");
        // An argument file: a class path of a few hundred jars stays clear of any command-line length limit.
        Files.writeString(
                argFile,
                "-cp \""
                        + classPath.stream()
                                .map(Path::toString)
                                .collect(Collectors.joining(java.io.File.pathSeparator))
                                .replace("\\", "\\\\")
                        + "\"\n");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("@" + argFile);
        command.addAll(arguments.subList(0, arguments.indexOf("--")));
        command.addAll(JAVA_17_OPTIONS);
        // Temp files (ONNX Runtime's extracted native library, Flink's RPC jar) stay in the cluster's directory.
        command.add("-Djava.io.tmpdir=" + tmpDir);
        command.add("-Dlog.file=" + log);
        command.add("-Dlog4j.configurationFile="
                + confDir.resolve("log4j.properties").toUri());
        command.addAll(jvmOptions);
        command.add(mainClass);
        command.add("--configDir");
        command.add(confDir.toString());
        command.addAll(arguments.subList(arguments.indexOf("--") + 1, arguments.size()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        Map<String, String> env = pb.environment();
        // The job's main() runs on the JobManager and reads EDGEVL_* settings from its environment: none leak in.
        env.keySet().removeIf(k -> k.startsWith("EDGEVL_") || k.equals("CLASSPATH"));
        env.put("FLINK_CONF_DIR", confDir.toString());
        env.put("FLINK_LOG_DIR", logDir.toString());
        return new Node(name, pb.start(), log, out);
    }

    private static int freePort(Set<Integer> exclude) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getByName(LOCALHOST), 0));
                if (!exclude.contains(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
        throw new IOException("no free port on " + LOCALHOST);
    }

    // ---- REST ----

    /** {@code http://localhost:PORT}: the cluster's REST endpoint and web UI. */
    public String restUrl() {
        return "http://" + LOCALHOST + ":" + restPort;
    }

    public int restPort() {
        return restPort;
    }

    /** The cluster's REST API: jars, jobs, the overview. */
    public FlinkRestClient rest() {
        return rest;
    }

    /**
     * Waits until {@code /overview} reports {@code count} TaskManagers and their slots; fails at once when a process
     * that was not killed on purpose exits, and after {@code timeout} otherwise, with the tail of every process's log.
     */
    public void awaitTaskManagers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (true) {
            Node dead = deadNode();
            if (dead != null) {
                throw new IllegalStateException("The Flink " + dead.name + " process exited with "
                        + dead.process.exitValue() + " while the cluster was starting.\n" + logTails(60));
            }
            try {
                JsonNode o = rest.overview();
                last = o.toString();
                if (o.path("taskmanagers").asInt() == count
                        && o.path("slots-total").asInt() == count * slotsPerTaskManager) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The Flink cluster at " + restUrl() + " did not report " + count
                        + " task managers with " + (count * slotsPerTaskManager) + " slots within "
                        + timeout.toSeconds() + " s; /overview: " + last + "\n" + logTails(60));
            }
            FlinkRestClient.sleep(250);
        }
    }

    // ---- logs and lifecycle ----

    /** The cluster's directory: {@code conf/} (config.yaml, log4j.properties), {@code log/}, {@code tmp/}, {@code jars/}. */
    public Path directory() {
        return dir;
    }

    public Path logDirectory() {
        return logDir;
    }

    /** The processes' class path (see {@link ClusterClassPath}). */
    public List<Path> classPath() {
        return classPath;
    }

    /** The last {@code lines} lines of every process's log and output, for error messages. */
    public synchronized String logTails(int lines) {
        StringBuilder s = new StringBuilder("Logs in ").append(logDir).append(':');
        List<Node> nodes = new ArrayList<>();
        if (jobManager != null) {
            nodes.add(jobManager);
        }
        nodes.addAll(taskManagers);
        for (Node n : nodes) {
            for (Path file : List.of(n.log, n.out)) {
                String tail = tail(file, lines);
                if (!tail.isBlank()) {
                    s.append("\n==> ")
                            .append(file.getFileName())
                            .append(" <==\n")
                            .append(tail);
                }
            }
        }
        return s.toString();
    }

    private synchronized Node deadNode() {
        if (jobManager != null && !jobManager.killed && !jobManager.process.isAlive()) {
            return jobManager;
        }
        for (Node n : taskManagers) {
            if (!n.killed && !n.process.isAlive()) {
                return n;
            }
        }
        return null;
    }

    static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            int chunk = (int) Math.min(length, 256L * lines);
            byte[] bytes = new byte[chunk];
            f.seek(length - chunk);
            f.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            int from = Math.max(0, all.length - lines);
            return String.join("\n", Arrays.asList(all).subList(from, all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private synchronized void killAll() {
        List<Node> nodes = new ArrayList<>(taskManagers);
        if (jobManager != null) {
            nodes.add(jobManager);
        }
        for (Node n : nodes) {
            n.killed = true;
            n.process.destroyForcibly();
        }
        for (Node n : nodes) {
            try {
                n.process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops every process (SIGTERM, then SIGKILL after a grace period) and deletes the cluster's directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Node> nodes = new ArrayList<>(taskManagers);
        if (jobManager != null) {
            nodes.add(jobManager);
        }
        for (Node n : nodes) {
            n.killed = true;
            n.process.destroy();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(GRACE_SECONDS).toNanos();
        for (Node n : nodes) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!n.process.waitFor(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    n.process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                n.process.destroyForcibly();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook runs anyway, and finds nothing alive
        }
        delete(dir, keepLogs ? logDir : null);
    }

    private static void delete(Path root, Path keep) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (keep != null && p.startsWith(keep)) {
                    continue;
                }
                if (keep != null && keep.startsWith(p)) {
                    continue; // a parent of what is kept
                }
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a file still held open by a dying process
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "Flink standalone cluster at " + restUrl() + " (" + dir + ")";
    }
}
