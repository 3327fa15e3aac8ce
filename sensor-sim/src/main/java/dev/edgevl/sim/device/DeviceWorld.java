package dev.edgevl.sim.device;

import dev.edgevl.sim.Seeds;
import dev.edgevl.sim.render.RenderBuffers;
import dev.edgevl.sim.render.Renderer;
import dev.edgevl.sim.scenario.Conditions;
import dev.edgevl.sim.scenario.DeviceSpec;
import dev.edgevl.sim.scenario.Scenario;
import dev.edgevl.sim.scenario.SensorSpec;
import dev.edgevl.sim.sensor.DepthSensor;
import dev.edgevl.sim.sensor.Frame;
import dev.edgevl.sim.sensor.RgbSensor;
import dev.edgevl.sim.sensor.ThermalSensor;
import dev.edgevl.sim.truth.SceneTruth;
import dev.edgevl.sim.world.Scene;
import dev.edgevl.sim.world.SceneSampler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * What one device of a scenario sees over time. Time is cut into scenes of the scenario's scene
 * duration; scene {@code i} is drawn from a seed made of the scenario seed, the device id and i, with
 * the class mix in force when it begins. So any moment can be rendered first, last or twice and give
 * the same picture, and devices see different, independent scenes.
 *
 * <p>Sensors of one device that capture the same scene share one rendering (a small cache of recent
 * scenes); each capture adds its own noise, drawn from (seed, device, sensor, sequence).
 *
 * <p>Thread-safe by locking: a device's sensors may be driven from several threads, but one device's
 * captures do not run in parallel. Use one DeviceWorld per device to use more cores.
 */
public final class DeviceWorld {

    private static final int CACHED_SCENES = 4;

    private final Scenario scenario;
    private final DeviceSpec device;
    private final long deviceSeed;
    private final Renderer renderer = new Renderer();
    private final RgbSensor rgb = new RgbSensor();
    private final DepthSensor depth = new DepthSensor();
    private final ThermalSensor thermal = new ThermalSensor();
    private final ArrayDeque<Rendered> recent = new ArrayDeque<>();
    private SceneSampler sampler;

    private record Rendered(long index, Scene scene, SceneTruth truth, RenderBuffers buffers) {}

    public DeviceWorld(Scenario scenario, String deviceId) {
        this.scenario = scenario;
        this.device = scenario.device(deviceId)
                .orElseThrow(() -> new IllegalArgumentException(
                        "scenario '" + scenario.name() + "' has no device '" + deviceId + "'"));
        this.deviceSeed = Seeds.derive(scenario.seed(), deviceId);
        this.sampler = new SceneSampler(scenario.world());
    }

    public DeviceSpec device() {
        return device;
    }

    public SensorClock clock(SensorSpec sensor) {
        return new SensorClock(scenario.seed(), device.id(), sensor);
    }

    public long sceneIndexAt(Duration sinceStart) {
        return Math.floorDiv(sinceStart.toNanos(), scenario.sceneDuration().toNanos());
    }

    public long sceneIdAt(Duration sinceStart) {
        return sceneId(sceneIndexAt(sinceStart));
    }

    public Conditions conditionsAt(Duration sinceStart) {
        return scenario.conditionsAt(device.id(), sinceStart);
    }

    /** The scene in force at a time since the scenario started. */
    public synchronized Scene sceneAt(Duration sinceStart) {
        return rendered(sceneIndexAt(sinceStart)).scene();
    }

    public synchronized SceneTruth truthAt(Duration sinceStart) {
        return rendered(sceneIndexAt(sinceStart)).truth();
    }

    /**
     * Frame {@code sequence} of {@code sensor}, taken at {@code trueTime}; empty while a dropout has
     * silenced that sensor.
     */
    public synchronized Optional<Capture> capture(SensorSpec sensor, Duration trueTime, long sequence) {
        Conditions conditions = conditionsAt(trueTime);
        if (conditions.dropped(sensor.id())) {
            return Optional.empty();
        }
        Rendered r = rendered(sceneIndexAt(trueTime));
        Random noise = new Random(Seeds.derive(Seeds.derive(Seeds.derive(deviceSeed, "noise"), sensor.id()), sequence));
        Frame frame =
                switch (sensor.kind()) {
                    case RGB -> rgb.capture(r.buffers(), lightLevel(conditions, r.scene()), noise);
                    case DEPTH -> depth.capture(r.buffers(), conditions.depthModel(), noise);
                    case THERMAL -> thermal.capture(r.buffers(), noise);
                };
        Duration clockTime = trueTime.plus(sensor.skew());
        return Optional.of(new Capture(
                device.id(),
                sensor.id(),
                sensor.kind(),
                sequence,
                trueTime,
                clockTime,
                r.scene().id(),
                frame,
                r.truth(),
                conditions.effects()));
    }

    /** Night is not equally dark everywhere: each scene gets 0.6-1.6 times the scenario's light level. */
    private static double lightLevel(Conditions conditions, Scene scene) {
        if (conditions.lightLevel() >= 1.0) {
            return 1.0;
        }
        double spread = 0.6 + new Random(Seeds.derive(scene.id(), "light")).nextDouble();
        return Math.min(1.0, conditions.lightLevel() * spread);
    }

    private long sceneId(long index) {
        return Seeds.derive(deviceSeed, index);
    }

    private Rendered rendered(long index) {
        for (Iterator<Rendered> it = recent.iterator(); it.hasNext(); ) {
            Rendered r = it.next();
            if (r.index() == index) {
                it.remove();
                recent.addFirst(r);
                return r;
            }
        }
        Duration start = scenario.sceneDuration().multipliedBy(index);
        Map<String, Double> mix =
                conditionsAt(start.isNegative() ? Duration.ZERO : start).classMix();
        if (!mix.equals(sampler.config().classMix())) {
            sampler = new SceneSampler(scenario.world().withClassMix(mix));
        }
        Scene scene = sampler.sample(sceneId(index));
        RenderBuffers buffers = recent.size() >= CACHED_SCENES
                ? recent.removeLast().buffers()
                : new RenderBuffers(scene.width(), scene.height());
        renderer.render(scene, buffers);
        Rendered r = new Rendered(index, scene, SceneTruth.of(scene), buffers);
        recent.addFirst(r);
        return r;
    }
}
