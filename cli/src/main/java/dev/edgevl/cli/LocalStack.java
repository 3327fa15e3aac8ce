package dev.edgevl.cli;

import dev.edgevl.avro.LabelEvent;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.device.agent.AgentConfig;
import dev.edgevl.device.agent.KafkaAgentLinks;
import dev.edgevl.device.fleet.FleetOptions;
import dev.edgevl.device.fleet.FleetSimulator;
import dev.edgevl.device.fleet.KafkaFleetSink;
import dev.edgevl.device.sdk.DeviceProducerConfig;
import dev.edgevl.distill.DistillerApp;
import dev.edgevl.distill.DistillerConfig;
import dev.edgevl.distill.RoundListener;
import dev.edgevl.health.Health;
import dev.edgevl.inference.InferenceConfig;
import dev.edgevl.inference.LocalFlink;
import dev.edgevl.inference.StreamInferenceJob;
import dev.edgevl.model.bundle.DevKeys;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.ServiceAcls;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.sim.scenario.Scenario;
import dev.edgevl.sim.world.Shape;
import dev.edgevl.sync.FrameSyncApp;
import dev.edgevl.teacher.service.TeacherServiceApp;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services of {@code edgevl local} against one Kafka cluster, started in the order data flows and stopped in
 * reverse: frame sync, the teacher service (and the default labels, once), the stream-inference job on a MiniCluster,
 * the distiller, then the fleet with its device agents. State (Streams stores, the model store, the dev signing key)
 * lives under one directory, so a second run with the same directory resumes.
 */
final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    /**
     * Rounds sooner than the distiller's own defaults, so a local run shows adaptation within minutes; and a job that
     * sheds what it reaches more than 10 s late, so a live view never shows minutes-old frames.
     */
    static final Map<String, String> LOCAL_DEFAULTS = Map.of(
            DistillerConfig.TRIGGER_SAMPLES.key(), "192",
            DistillerConfig.TRIGGER_MIN_SAMPLES.key(), "96",
            DistillerConfig.TRIGGER_INTERVAL.key(), "3m",
            InferenceConfig.SHED_AFTER.key(), "10s");

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final PrintWriter out;
    private FrameSyncApp sync;
    private TeacherServiceApp teacher;
    private LocalFlink flink;
    private int flinkMetricsPort;
    private JobID job;
    private DistillerApp distiller;
    private FleetSimulator fleet;
    private KafkaFleetSink sink;
    private Thread fleetThread;
    private DevKeys keys;
    private Instant fleetEpoch;

    /** Flink's Prometheus reporter's usual port; another free one when it is taken. */
    static final int FLINK_METRICS_PORT = 9249;

    private LocalStack(PrintWriter out) {
        this.out = out;
    }

    /**
     * @param stateDir where Streams state, the model store and the dev signing key live
     */
    static LocalStack start(
            PrintWriter out,
            Settings userSettings,
            String bootstrap,
            Path stateDir,
            Scenario world,
            LocalPrincipals principals)
            throws Exception {
        LocalStack stack = new LocalStack(out);
        try {
            stack.startAll(withLocalDefaults(userSettings), bootstrap, stateDir, world, principals);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    static Settings withLocalDefaults(Settings settings) {
        Settings s = settings;
        for (Map.Entry<String, String> e : LOCAL_DEFAULTS.entrySet()) {
            if (settings.raw(e.getKey()).isEmpty()) {
                s = s.with(e.getKey(), e.getValue());
            }
        }
        return s;
    }

    private void startAll(
            Settings settings, String bootstrap, Path stateDir, Scenario world, LocalPrincipals principals)
            throws Exception {
        keys = DevKeys.loadOrCreate(stateDir.resolve("keys"));
        step("Dev signing key " + keys.keyId() + (keys.created() ? " created" : " reused") + " in "
                + keys.publicKeyFile().getParent() + " (not for production).");

        sync = FrameSyncApp.start(
                principals
                        .as(settings, ServiceAcls.FRAME_SYNC)
                        .with("kafka.state.dir", stateDir.resolve("streams").toString()),
                bootstrap);
        started.push(sync);
        sync.awaitRunning(Duration.ofSeconds(60));
        step("Frame sync is running.");

        teacher = TeacherServiceApp.start(
                principals
                        .as(settings, ServiceAcls.TEACHER)
                        .with("kafka.state.dir", stateDir.resolve("streams").toString()),
                bootstrap);
        started.push(teacher);
        teacher.awaitRunning(Duration.ofSeconds(60));
        step("The teacher service is running with " + teacher.teacher().id() + ".");
        int added = addDefaultLabels(principals.as(settings, ServiceAcls.OPERATOR), bootstrap);
        if (added > 0) {
            step("Added the " + added + " default labels (" + String.join(", ", Shape.defaultMix())
                    + "); 'edgevl labels add' adds more.");
        }

        flinkMetricsPort = LocalPorts.defaultIfFree(FLINK_METRICS_PORT);
        flink = LocalFlink.start(1, 1, flinkMetricsPort);
        started.push(flink);
        Settings inference = principals
                .as(settings, ServiceAcls.STREAM_JOB)
                .with(InferenceConfig.TRUSTED_KEYS.key(), keys.publicKeyFile().toString());
        StreamExecutionEnvironment env = LocalFlink.environment(1, Integer.MAX_VALUE, Duration.ofSeconds(2));
        StreamInferenceJob.build(env, inference, bootstrap);
        job = flink.submit(env, StreamInferenceJob.NAME);
        flink.awaitRunning(job, Duration.ofSeconds(60));
        started.push(() -> flink.cancel(job));
        step("The stream-inference job is running on an embedded Flink MiniCluster.");

        Settings distill = principals
                .as(settings, ServiceAcls.DISTILLER)
                .with(
                        DistillerConfig.STORE_DIR.key(),
                        stateDir.resolve("models").toString());
        distiller = DistillerApp.start(distill, bootstrap, keys.keyPair(), RoundListener.NONE);
        started.push(distiller);
        distiller.awaitCaughtUp(Duration.ofSeconds(120));
        Long live = distiller.awaitLiveOrNone(Duration.ofSeconds(60));
        step("The distiller is running (model store " + stateDir.resolve("models") + "); "
                + (live == null
                        ? "no version is live yet: the fleet annotates once the first round is published."
                        : live == 0 ? "the shipped student is live as v0." : "v" + live + " is live."));

        Settings agents = principals
                .as(settings, ServiceAcls.DEVICE)
                .with(AgentConfig.TRUSTED_KEYS.key(), keys.publicKeyFile().toString());
        AvroSerdes serdes = AvroSerdes.fromSettings(settings);
        started.push(serdes);
        // The devices write frames as devices; the simulator's ground truth is the operator's to write.
        sink = new KafkaFleetSink(
                DeviceProducerConfig.from(agents, bootstrap),
                principals.client(settings, ServiceAcls.OPERATOR, bootstrap),
                serdes);
        started.push(sink);
        KafkaAgentLinks links = new KafkaAgentLinks(KafkaSettings.clientProperties(agents, bootstrap), serdes);
        started.push(links);
        links.awaitCaughtUp(Duration.ofSeconds(30));
        fleetEpoch = Instant.now();
        fleet = new FleetSimulator(
                world,
                new FleetOptions(fleetEpoch, 1.0, null).withAgents(AgentConfig.from(agents)),
                sink,
                links.links());
        fleetThread = new Thread(this::runFleet, "edgevl-fleet");
        fleetThread.setDaemon(true); // never the reason the JVM cannot exit
        fleetThread.start();
        started.push(this::stopFleet);
        step("The '" + world.name() + "' fleet is running: " + world.devices().size() + " devices with agents.");
    }

    /** The default vocabulary, once: only when no label has ever been embedded, so labels people removed stay removed. */
    private static int addDefaultLabels(Settings settings, String bootstrap) throws Exception {
        if (!CompactedTopics.read(settings, bootstrap, Topics.LABELS_EMBEDDED, Duration.ofSeconds(30))
                .isEmpty()) {
            return 0;
        }
        List<LabelEvent> events = LabelsCommand.defaultLabelEvents(Instant.now(), "edgevl local");
        LabelsCommand.send(settings, bootstrap, events);
        return events.size();
    }

    private void step(String line) {
        out.println(line);
        out.flush();
    }

    private void runFleet() {
        try {
            fleet.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("The simulated fleet stopped: {}", e.getMessage(), e);
        }
    }

    private void stopFleet() throws InterruptedException {
        fleet.stop();
        fleetThread.join(30_000);
    }

    /** The port of Flink's Prometheus reporter, serving the stream job's metrics on /metrics. */
    int flinkMetricsPort() {
        return flinkMetricsPort;
    }

    /**
     * Each service's health, in the order they started: frame sync, the teacher, the stream job (down unless running;
     * its reason names the last failure it restarted after, if any), the distiller and the fleet.
     */
    Map<String, Health> health() {
        Map<String, Health> health = new LinkedHashMap<>();
        health.put("frame sync", sync.health());
        health.put("teacher", teacher.health());
        health.put("stream job", jobHealth());
        health.put("distiller", distiller.health());
        health.put(
                "fleet",
                fleetThread.isAlive()
                        ? Health.ready("RUNNING", "the simulated devices stream")
                        : Health.down("STOPPED", "the simulated fleet stopped"));
        return health;
    }

    /** The last failure the stream job restarted after; empty when it never restarted. */
    Optional<String> jobFailure() throws Exception {
        return flink.lastFailure(job);
    }

    private Health jobHealth() {
        try {
            JobStatus status = flink.status(job);
            if (status != JobStatus.RUNNING) {
                return Health.down(
                        status.name(), "the stream job is " + status.name().toLowerCase(Locale.ROOT));
            }
            return Health.ready(
                    "RUNNING",
                    jobFailure()
                            .map(f -> "running; it restarted after "
                                    + f.lines().findFirst().orElse(f))
                            .orElse("running, never restarted"));
        } catch (Exception e) {
            return Health.down("UNKNOWN", "Flink did not answer: " + e.getMessage());
        }
    }

    FrameSyncApp sync() {
        return sync;
    }

    TeacherServiceApp teacher() {
        return teacher;
    }

    DistillerApp distiller() {
        return distiller;
    }

    FleetSimulator fleet() {
        return fleet;
    }

    /** Where the simulated devices write their frames: what the broker acknowledged, and what it never did. */
    KafkaFleetSink fleetSink() {
        return sink;
    }

    DevKeys keys() {
        return keys;
    }

    /** The simulated world's time zero: capture times are this plus world time. */
    Instant fleetEpoch() {
        return fleetEpoch;
    }

    /** Stops everything in reverse order of starting: the fleet first, the frame sync last; never throws. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("While stopping: {}", e.toString());
            }
        }
    }
}
