package dev.edgevl.sim.scenario;

import dev.edgevl.sim.sensor.DepthModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads one entry of a scenario's {@code drift:} list, checking it against the fleet it acts on. */
final class DriftParser {

    private DriftParser() {}

    static DriftEvent parse(YamlObject e, Set<String> deviceIds, List<DeviceSpec> devices) {
        String type = e.string("type");
        if (!DriftEvent.TYPES.contains(type)) {
            throw e.error(
                    "type", "unknown drift type '" + type + "'; known types: " + String.join(", ", DriftEvent.TYPES));
        }
        Duration at = e.duration("at");
        if (at.isNegative()) {
            throw e.error("at", "must not be negative, was " + Durations.format(at));
        }
        Optional<Duration> duration = e.optionalDuration("duration");
        if (duration.isPresent()
                && (duration.get().isNegative() || duration.get().isZero())) {
            throw e.error("duration", "must be longer than 0, was " + Durations.format(duration.get()));
        }
        Set<String> targets = new LinkedHashSet<>();
        if (e.has("devices")) {
            for (String id : e.strings("devices")) {
                if (!deviceIds.contains(id)) {
                    throw e.error("devices", "no device '" + id + "' in this scenario; devices are " + deviceIds);
                }
                targets.add(id);
            }
        }
        DriftEvent.Window window = new DriftEvent.Window(at, duration, targets);
        return switch (type) {
            case DriftEvent.NIGHT -> {
                e.allowOnly("type", "at", "duration", "devices", "lightLevel");
                double level = e.number("lightLevel", 0.05);
                if (!(level > 0 && level <= 1)) {
                    throw e.error(
                            "lightLevel", "must be above 0 and at most 1 (night is about 0.03-0.08), was " + level);
                }
                yield new DriftEvent.Night(window, level);
            }
            case DriftEvent.NEW_CLASSES -> {
                e.allowOnly("type", "at", "duration", "devices", "classes", "weight");
                List<String> classes = e.strings("classes");
                if (classes.isEmpty()) {
                    throw e.error("classes", "name at least one shape to add");
                }
                List<String> labels = new ArrayList<>();
                for (String label : classes) {
                    labels.add(ScenarioParser.knownShape(e, "classes", label).label());
                }
                double weight = e.number("weight", 1.0);
                if (!(weight > 0) || Double.isInfinite(weight)) {
                    throw e.error("weight", "must be a number above 0, was " + weight);
                }
                yield new DriftEvent.NewClasses(window, labels, weight);
            }
            case DriftEvent.DEPTH_SENSOR_CHANGE -> {
                e.allowOnly("type", "at", "duration", "devices", "model");
                yield new DriftEvent.DepthSensorChange(
                        window, e.has("model") ? depthModel(e.object("model")) : DepthModel.REPLACEMENT);
            }
            case DriftEvent.SENSOR_DROPOUT -> {
                e.allowOnly("type", "at", "duration", "devices", "sensor");
                String sensor = e.string("sensor");
                boolean exists = devices.stream()
                        .filter(d -> targets.isEmpty() || targets.contains(d.id()))
                        .anyMatch(d -> d.sensor(sensor).isPresent());
                if (!exists) {
                    throw e.error("sensor", "no targeted device has a sensor '" + sensor + "'");
                }
                yield new DriftEvent.SensorDropout(window, sensor);
            }
            default -> throw new IllegalStateException("drift type " + type + " is listed but not handled");
        };
    }

    /** Fields default to the replacement sensor's, so {@code model: {holeRate: 0.1}} changes one thing. */
    private static DepthModel depthModel(YamlObject m) {
        m.allowOnly(
                "noiseMmAt1m",
                "holeRate",
                "grazingCos",
                "grazingHoleRate",
                "edgeHoleRate",
                "specularHoleRate",
                "scale",
                "biasMm",
                "minRangeM",
                "maxRangeM");
        DepthModel base = DepthModel.REPLACEMENT;
        try {
            return new DepthModel(
                    m.number("noiseMmAt1m", base.noiseMmAt1m()),
                    m.number("holeRate", base.holeRate()),
                    m.number("grazingCos", base.grazingCos()),
                    m.number("grazingHoleRate", base.grazingHoleRate()),
                    m.number("edgeHoleRate", base.edgeHoleRate()),
                    m.number("specularHoleRate", base.specularHoleRate()),
                    m.number("scale", base.scale()),
                    m.number("biasMm", base.biasMm()),
                    m.number("minRangeM", base.minRangeM()),
                    m.number("maxRangeM", base.maxRangeM()));
        } catch (IllegalArgumentException e) {
            throw m.fail(m.path(), e.getMessage());
        }
    }
}
