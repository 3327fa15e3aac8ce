package dev.edgevl.sim.device;

import dev.edgevl.sim.Seeds;
import dev.edgevl.sim.scenario.SensorSpec;
import java.time.Duration;
import java.util.Random;

/**
 * When a sensor takes its frames and what its own clock says about it. Frame {@code n} is due at
 * n / fps; it is really taken up to ± jitter from then (a fresh, reproducible draw per frame); and the
 * sensor stamps it with its clock, which runs {@code skew} ahead of true time.
 */
public final class SensorClock {

    private final SensorSpec sensor;
    private final long seed;

    public SensorClock(long scenarioSeed, String deviceId, SensorSpec sensor) {
        this.sensor = sensor;
        this.seed = Seeds.derive(Seeds.derive(Seeds.derive(scenarioSeed, "jitter"), deviceId), sensor.id());
    }

    public Duration nominalTime(long sequence) {
        return Duration.ofNanos(Math.round(sequence * 1e9 / sensor.fps()));
    }

    /** This frame's deviation from its nominal time, in [-jitter, +jitter], to the microsecond. */
    public Duration jitter(long sequence) {
        if (sensor.jitter().isZero()) {
            return Duration.ZERO;
        }
        double u = 2 * new Random(Seeds.derive(seed, sequence)).nextDouble() - 1;
        return Duration.ofNanos(Math.round(u * sensor.jitter().toNanos() / 1000.0) * 1000);
    }

    /** When frame {@code sequence} is really taken; never before the scenario starts. */
    public Duration trueTime(long sequence) {
        Duration t = nominalTime(sequence).plus(jitter(sequence));
        return t.isNegative() ? Duration.ZERO : t;
    }

    /** The time the sensor writes into a frame taken at {@code trueTime}. */
    public Duration clockTime(Duration trueTime) {
        return trueTime.plus(sensor.skew());
    }
}
