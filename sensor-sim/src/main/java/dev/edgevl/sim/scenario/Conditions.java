package dev.edgevl.sim.scenario;

import dev.edgevl.sim.sensor.DepthModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of the world for one device at one moment: what the drift events of a scenario have
 * changed. Sensors and the scene stream read it; truth records carry {@link #effects()}.
 *
 * @param lightLevel 1 by day; a fraction at night (affects RGB only)
 * @param classMix the shape weights new scenes are drawn from
 * @param depthModel how the depth sensor errs
 * @param droppedSensors ids of sensors that produce nothing right now
 * @param effects names of the drift effects in force, e.g. "night", "depth-sensor-change"
 */
public record Conditions(
        double lightLevel,
        Map<String, Double> classMix,
        DepthModel depthModel,
        Set<String> droppedSensors,
        List<String> effects) {

    public Conditions {
        classMix = Collections.unmodifiableMap(new LinkedHashMap<>(classMix));
        droppedSensors = Set.copyOf(droppedSensors);
        effects = List.copyOf(effects);
    }

    /** No drift: full light, the world's own class mix, the default depth sensor. */
    public static Conditions normal(Map<String, Double> classMix) {
        return new Conditions(1.0, classMix, DepthModel.DEFAULT, Set.of(), List.of());
    }

    public boolean night() {
        return effects.contains(DriftEvent.NIGHT);
    }

    public boolean dropped(String sensorId) {
        return droppedSensors.contains(sensorId);
    }
}
