package dev.edgevl.device.fleet;

import dev.edgevl.device.agent.AgentConfig;
import java.time.Duration;
import java.time.Instant;

/**
 * How a simulation runs. {@code speed} 1 is real time (frames leave at the scenario's rates by the wall
 * clock); 2 is twice as fast; 0 is as fast as the machine renders (for tests and benchmarks).
 * {@code epoch} is the world's time zero: capture times are epoch + world time + the sensor's clock error.
 * With {@code agents} every device also runs a device agent: it hot-swaps the live student and annotates its own
 * frames before publishing them, and reports to {@code fleet.status}; null runs bare devices.
 */
public record FleetOptions(Instant epoch, double speed, Duration duration, AgentConfig agents) {
    public FleetOptions {
        if (speed < 0) {
            throw new IllegalArgumentException("speed must be 0 (as fast as possible) or positive, got " + speed);
        }
        if (duration != null && duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got " + duration);
        }
    }

    public FleetOptions(Instant epoch, double speed, Duration duration) {
        this(epoch, speed, duration, null);
    }

    public static FleetOptions realTime(Duration duration) {
        return new FleetOptions(Instant.now(), 1.0, duration);
    }

    public static FleetOptions asFastAsPossible(Instant epoch, Duration duration) {
        return new FleetOptions(epoch, 0.0, duration);
    }

    /** These options with every device running an agent configured so. */
    public FleetOptions withAgents(AgentConfig config) {
        return new FleetOptions(epoch, speed, duration, config);
    }

    boolean paced() {
        return speed > 0;
    }
}
