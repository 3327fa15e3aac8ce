package dev.edgevl.sim.scenario;

import java.time.Duration;

/**
 * One sensor of one device, as resolved from a scenario.
 *
 * @param fps frames per second
 * @param skew constant offset of this sensor's clock from true time (already resolved per device)
 * @param jitter each frame is taken up to ± this much away from its nominal time, uniformly
 */
public record SensorSpec(String id, SensorKind kind, double fps, Duration skew, Duration jitter) {

    public SensorSpec {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a sensor needs an id");
        }
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("sensor " + id + ": fps must be > 0, was " + fps);
        }
        if (jitter.isNegative()) {
            throw new IllegalArgumentException("sensor " + id + ": jitter must not be negative, was " + jitter);
        }
    }

    /** Time between nominal frames. */
    public Duration period() {
        return Duration.ofNanos(Math.round(1e9 / fps));
    }
}
