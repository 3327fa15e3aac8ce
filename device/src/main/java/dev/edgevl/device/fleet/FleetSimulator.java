package dev.edgevl.device.fleet;

import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.device.agent.AgentFleet;
import dev.edgevl.device.agent.AgentLinks;
import dev.edgevl.sim.device.Capture;
import dev.edgevl.sim.device.DeviceWorld;
import dev.edgevl.sim.device.SensorClock;
import dev.edgevl.sim.scenario.DeviceSpec;
import dev.edgevl.sim.scenario.Scenario;
import dev.edgevl.sim.scenario.SensorSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scenario's fleet. Every sensor of every device is a track on one shared timeline: the loop
 * takes the next frame due, waits for its moment (when paced), renders and hands it on. One thread for
 * the whole fleet, not one per device, so a hundred devices cost a hundred queue entries.
 */
public final class FleetSimulator {
    private static final Logger LOG = LoggerFactory.getLogger(FleetSimulator.class);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);

    /** Where frames go; the truth travels separately so it can go where only evaluators read. */
    public interface Sink {
        void publish(SensorFrame frame, FrameTruth truth) throws InterruptedException;
    }

    private final Scenario scenario;
    private final FleetOptions options;
    private final Sink sink;
    private final AgentLinks agentLinks;
    private final FleetStats stats = new FleetStats();
    private volatile AgentFleet agents;
    private volatile boolean stopped;

    /** Bare devices: {@code options} must not ask for agents. */
    public FleetSimulator(Scenario scenario, FleetOptions options, Sink sink) {
        this(scenario, options, sink, null);
    }

    /**
     * @param agentLinks where the devices' agents get models and labels and send their status; needed when
     *                   {@code options} asks for agents, ignored otherwise
     */
    public FleetSimulator(Scenario scenario, FleetOptions options, Sink sink, AgentLinks agentLinks) {
        if (options.agents() != null && agentLinks == null) {
            throw new IllegalArgumentException(
                    "the fleet's devices are to run agents, but no links for them (models, fleet.status) were given");
        }
        this.scenario = scenario;
        this.options = options;
        this.sink = sink;
        this.agentLinks = agentLinks;
    }

    /** One sensor of one device: its clock and the next frame it owes. */
    private static final class Track {
        final DeviceWorld world;
        final SensorSpec sensor;
        final SensorClock clock;
        long sequence;
        Duration due;

        Track(DeviceWorld world, SensorSpec sensor) {
            this.world = world;
            this.sensor = sensor;
            this.clock = world.clock(sensor);
            this.due = clock.trueTime(0);
        }

        void advance() {
            sequence++;
            due = clock.trueTime(sequence);
        }
    }

    /**
     * Runs until the scenario's duration has passed (or forever without one) or {@link #stop()}. With agents, they
     * start with the run (the first frame waits until they have loaded the live model, if there is one) and stop at its
     * end, each device reporting its status one last time.
     */
    public FleetStats run() throws InterruptedException {
        if (options.agents() == null) {
            return simulate(null);
        }
        try (AgentFleet fleet = AgentFleet.start(options.agents(), agentLinks)) {
            scenario.devices().forEach(d -> fleet.agent(d.id()));
            agents = fleet;
            // Devices boot with the live model when there is one, as a real device loads it before its sensors start.
            if (!fleet.awaitIdle(BOOT_TIMEOUT)) {
                LOG.warn(
                        "The devices' agents did not load the live model within {} s; the devices start anyway and annotate once it is"
                                + " loaded.",
                        BOOT_TIMEOUT.toSeconds());
            }
            return simulate(fleet);
        }
    }

    private FleetStats simulate(AgentFleet fleet) throws InterruptedException {
        PriorityQueue<Track> timeline = new PriorityQueue<>(Comparator.comparing((Track t) -> t.due));
        for (DeviceSpec device : scenario.devices()) {
            DeviceWorld world = new DeviceWorld(scenario, device.id());
            device.sensors().forEach(sensor -> timeline.add(new Track(world, sensor)));
        }
        LOG.info(
                "Simulating scenario '{}': {} devices{}, {} sensors, {}.",
                scenario.name(),
                scenario.devices().size(),
                fleet == null ? "" : " with agents",
                timeline.size(),
                options.paced() ? "at " + options.speed() + "x real time" : "as fast as possible");
        // Paced frames leave when the world's clock (epoch + world time) says, so their capture times are the wall
        // clock's: time spent starting (agents loading the live model) is caught up, never carried into every frame as
        // latency.
        long wallStart = System.nanoTime()
                + Duration.between(Instant.now(), options.epoch()).toNanos();
        while (!stopped && !timeline.isEmpty()) {
            Track next = timeline.poll();
            if (options.duration() != null && next.due.compareTo(options.duration()) > 0) {
                break;
            }
            if (options.paced() && !waitFor(wallStart + (long) (next.due.toNanos() / options.speed()))) {
                break;
            }
            Optional<Capture> capture = next.world.capture(next.sensor, next.due, next.sequence);
            if (capture.isPresent()) {
                Capture c = capture.get();
                Instant publishTime =
                        options.paced() ? Instant.now() : SimulatedFrames.at(options.epoch(), c.trueTime());
                SensorFrame frame = SimulatedFrames.frame(c, options.epoch(), publishTime);
                if (fleet != null) {
                    fleet.agent(frame.getDeviceId()).annotate(frame); // on the device, before the frame leaves it
                }
                sink.publish(frame, SimulatedFrames.truth(c, options.epoch()));
                stats.published(c.kind(), c.bytes().length);
            } else {
                stats.silenced();
            }
            stats.worldTime(next.due);
            next.advance();
            timeline.add(next);
        }
        LOG.info(
                "Simulation of '{}' ended after {} of world time: {}.",
                scenario.name(),
                stats.worldClock(),
                stats.summary());
        return stats;
    }

    /** Parks until the wall clock reaches {@code deadline}; false when stopped meanwhile. */
    private boolean waitFor(long deadlineNanos) throws InterruptedException {
        while (!stopped) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            // Short parks so stop() is noticed promptly without a lock.
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            if (Thread.interrupted()) {
                throw new InterruptedException("the fleet simulator was interrupted");
            }
        }
        return false;
    }

    public void stop() {
        stopped = true;
    }

    public FleetStats stats() {
        return stats;
    }

    /** The devices' agents of the run going on (or the last one) when it runs with agents; empty otherwise. */
    public Optional<AgentFleet> agents() {
        return Optional.ofNullable(agents);
    }
}
