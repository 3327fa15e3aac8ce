package dev.edgevl.sim.device;

import dev.edgevl.sim.scenario.SensorKind;
import dev.edgevl.sim.sensor.Frame;
import dev.edgevl.sim.truth.SceneTruth;
import java.time.Duration;
import java.util.List;

/**
 * One frame a simulated sensor produced, with what a fleet simulator needs to publish it and, kept
 * apart, the truth about it. Publish {@link #frame()}; send {@link #truth()} and {@link #conditions()}
 * only where evaluators read (the frame object itself knows nothing of them).
 *
 * @param trueTime when the frame was really taken, since the scenario started
 * @param clockTime what the sensor's clock said then (trueTime + skew)
 * @param conditions names of the drift effects in force, e.g. "night"
 */
public record Capture(
        String deviceId,
        String sensorId,
        SensorKind kind,
        long sequence,
        Duration trueTime,
        Duration clockTime,
        long sceneId,
        Frame frame,
        SceneTruth truth,
        List<String> conditions) {

    public Capture {
        conditions = List.copyOf(conditions);
    }

    public int width() {
        return frame.width();
    }

    public int height() {
        return frame.height();
    }

    /** "RGB8", "DEPTH16_MM" or "THERMAL16_CK". */
    public String encoding() {
        return frame.encoding().name();
    }

    public byte[] bytes() {
        return frame.data();
    }
}
