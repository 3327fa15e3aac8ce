package dev.edgevl.sim.scenario;

import java.util.List;
import java.util.Optional;

/** One device of the fleet with its sensors. */
public record DeviceSpec(String id, List<SensorSpec> sensors) {

    public DeviceSpec {
        sensors = List.copyOf(sensors);
    }

    public Optional<SensorSpec> sensor(String sensorId) {
        return sensors.stream().filter(s -> s.id().equals(sensorId)).findFirst();
    }
}
