package dev.edgevl.device.agent;

import dev.edgevl.avro.DeviceHealth;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.health.ServiceMetrics;
import dev.edgevl.model.bundle.TrustedKeys;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents of every device in one process (a simulated fleet), sharing what can be shared: one control feed, one
 * status sink, a small pool that verifies and loads new versions, one timer for the periodic reports. What makes a
 * device a device stays its own: its trusted keys, its verification, its ONNX Runtime session, its status.
 */
public final class AgentFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentFleet.class);

    private record Member(DeviceAgent agent, AutoCloseable subscription) {}

    private final AgentConfig config;
    private final TrustedKeys trustedKeys;
    private final AgentLinks links;
    private final Clock clock;
    private final ExecutorService loader;
    private final ScheduledExecutorService reporter;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    /** Devices by model version and health, on {@code /metrics}; refreshed at every status report. */
    private final MultiGauge devicesMeter = MultiGauge.builder("edgevl.agent.devices")
            .description("Devices of this process's fleet by the model version they run and their health.")
            .register(ServiceMetrics.registry());

    private volatile boolean closed;

    /** @param trustedKeys the keys every device joined with {@link #agent(String)} trusts */
    public AgentFleet(AgentConfig config, TrustedKeys trustedKeys, AgentLinks links, Clock clock) {
        this.config = config;
        this.trustedKeys = trustedKeys;
        this.links = links;
        this.clock = clock;
        this.loader = Executors.newFixedThreadPool(config.loadThreads(), daemon("edgevl-agent-load"));
        this.reporter = Executors.newSingleThreadScheduledExecutor(daemon("edgevl-agent-status"));
        long every = config.statusInterval().toMillis();
        reporter.scheduleAtFixedRate(this::reportAll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Agents trusting the keys in {@code config}'s key files, on the system clock. */
    public static AgentFleet start(AgentConfig config, AgentLinks links) {
        return new AgentFleet(config, config.trustedKeys(), links, Clock.systemUTC());
    }

    /** The device's agent, started on first use with the fleet's trusted keys. */
    public DeviceAgent agent(String deviceId) {
        return join(deviceId, trustedKeys);
    }

    /** Starts the device's agent with keys of its own (a device trusts only its keys); an agent already there is returned as is. */
    public DeviceAgent join(String deviceId, TrustedKeys keys) {
        Member existing = members.get(deviceId);
        if (existing != null) {
            return existing.agent();
        }
        if (closed) {
            throw new IllegalStateException(
                    "the agents of this process are shut down; device " + deviceId + " cannot join");
        }
        return members.computeIfAbsent(deviceId, id -> {
                    DeviceAgent agent = new DeviceAgent(id, config, keys, loader, links.status(), clock);
                    agent.report(); // STARTING, before any offer: the fleet sees the device at once
                    return new Member(agent, links.feed().subscribe(agent));
                })
                .agent();
    }

    public Optional<DeviceAgent> find(String deviceId) {
        Member m = members.get(deviceId);
        return m == null ? Optional.empty() : Optional.of(m.agent());
    }

    public Collection<DeviceAgent> agents() {
        List<DeviceAgent> all = new ArrayList<>();
        new TreeMap<>(members).values().forEach(m -> all.add(m.agent()));
        return all;
    }

    /** Waits until no device has a version waiting to be verified or loaded; false when {@code timeout} passed first. */
    public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Member m : members.values()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !m.agent().awaitIdle(java.time.Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    /** Every device reports now (the timer does this every {@code agent.status.interval}). */
    public void reportAll() {
        members.values().forEach(m -> m.agent().report());
        Map<List<String>, Integer> counts = new HashMap<>();
        for (DeviceAgent agent : agents()) {
            DeviceStatus s = agent.status();
            String version = s.getModelVersion() == null ? "none" : Long.toString(s.getModelVersion());
            counts.merge(List.of(version, s.getHealth().name().toLowerCase(Locale.ROOT)), 1, Integer::sum);
        }
        devicesMeter.register(
                counts.entrySet().stream()
                        .map(e -> MultiGauge.Row.of(
                                Tags.of(
                                        "version",
                                        e.getKey().get(0),
                                        "health",
                                        e.getKey().get(1)),
                                e.getValue()))
                        .toList(),
                true);
    }

    /** One line for progress output: devices by health and version, frames annotated. */
    public String summary() {
        Map<DeviceHealth, Integer> byHealth = new EnumMap<>(DeviceHealth.class);
        Map<String, Integer> byVersion = new TreeMap<>();
        long frames = 0;
        for (DeviceAgent agent : agents()) {
            DeviceStatus s = agent.status();
            byHealth.merge(s.getHealth(), 1, Integer::sum);
            byVersion.merge(s.getModelVersion() == null ? "no model" : "v" + s.getModelVersion(), 1, Integer::sum);
            frames += s.getFramesAnnotated();
        }
        return String.format("agents %d %s on %s, %,d frames annotated", members.size(), byHealth, byVersion, frames);
    }

    /** Stops the timer and the loads, sends a last report per device, then closes every session. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reporter.shutdownNow();
        for (Member m : members.values()) {
            try {
                m.subscription().close();
            } catch (Exception e) {
                LOG.debug("Unsubscribing {} failed: {}", m.agent().deviceId(), e.toString());
            }
        }
        loader.shutdown();
        try {
            if (!loader.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("A model load did not finish within 30 s of shutdown; closing the devices anyway.");
                loader.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loader.shutdownNow();
        }
        reportAll();
        devicesMeter.register(List.of(), true); // after the last report: a closed fleet has no devices to count
        members.values().forEach(m -> m.agent().close());
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
