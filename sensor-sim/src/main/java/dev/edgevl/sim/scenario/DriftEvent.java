package dev.edgevl.sim.scenario;

import dev.edgevl.sim.sensor.DepthModel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A timed change to the world. Each starts {@code at} a time since the scenario began, lasts for
 * {@code duration} (for good when absent), and applies to the listed devices (all when none are listed).
 */
public sealed interface DriftEvent {

    String NIGHT = "night";
    String NEW_CLASSES = "new-classes";
    String DEPTH_SENSOR_CHANGE = "depth-sensor-change";
    String SENSOR_DROPOUT = "sensor-dropout";
    List<String> TYPES = List.of(NIGHT, NEW_CLASSES, DEPTH_SENSOR_CHANGE, SENSOR_DROPOUT);

    Window window();

    /** The drift type, as written in scenario files and in truth records. */
    String type();

    /** Applies this event's effect to conditions being assembled. */
    void apply(Builder conditions);

    /** When and where an event is in force. */
    record Window(Duration at, Optional<Duration> duration, Set<String> devices) {

        public Window {
            devices = Set.copyOf(devices);
        }

        public boolean covers(String deviceId, Duration sinceStart) {
            if (!devices.isEmpty() && !devices.contains(deviceId)) {
                return false;
            }
            if (sinceStart.compareTo(at) < 0) {
                return false;
            }
            return duration.map(d -> sinceStart.compareTo(at.plus(d)) < 0).orElse(true);
        }
    }

    /** RGB goes dark; depth and thermal do not notice. */
    record Night(Window window, double lightLevel) implements DriftEvent {
        @Override
        public String type() {
            return NIGHT;
        }

        @Override
        public void apply(Builder c) {
            c.lightLevel = Math.min(c.lightLevel, lightLevel);
        }
    }

    /** Shapes the fleet has not seen start to appear, each at {@code weight} relative to the mix. */
    record NewClasses(Window window, List<String> classes, double weight) implements DriftEvent {
        public NewClasses {
            classes = List.copyOf(classes);
        }

        @Override
        public String type() {
            return NEW_CLASSES;
        }

        @Override
        public void apply(Builder c) {
            classes.forEach(label -> c.classMix.put(label, weight));
        }
    }

    /** The depth camera is swapped for one that errs differently. */
    record DepthSensorChange(Window window, DepthModel model) implements DriftEvent {
        @Override
        public String type() {
            return DEPTH_SENSOR_CHANGE;
        }

        @Override
        public void apply(Builder c) {
            c.depthModel = model;
        }
    }

    /** One sensor stops producing frames. */
    record SensorDropout(Window window, String sensor) implements DriftEvent {
        @Override
        public String type() {
            return SENSOR_DROPOUT;
        }

        @Override
        public void apply(Builder c) {
            c.dropped.add(sensor);
        }
    }

    /** Conditions under assembly; events apply to it in the order they start. */
    final class Builder {
        double lightLevel = 1.0;
        final Map<String, Double> classMix;
        DepthModel depthModel = DepthModel.DEFAULT;
        final Set<String> dropped = new LinkedHashSet<>();
        final Set<String> effects = new LinkedHashSet<>();

        Builder(Map<String, Double> baseMix) {
            this.classMix = new LinkedHashMap<>(baseMix);
        }

        Conditions build() {
            return new Conditions(lightLevel, classMix, depthModel, dropped, List.copyOf(effects));
        }
    }
}
