package dev.edgevl.eval.live;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.SensorFrame;

/** One frame of one sensor of one device: how an annotation, a pair and the simulator's truth find each other. */
public record FrameKey(String deviceId, String sensorId, long sequence) {

    static FrameKey of(Annotation a) {
        return new FrameKey(a.getDeviceId(), a.getAuxSensorId(), a.getAuxSequence());
    }

    static FrameKey of(FrameTruth t) {
        return new FrameKey(t.getDeviceId(), t.getSensorId(), t.getSequence());
    }

    static FrameKey of(SensorFrame f) {
        return new FrameKey(f.getDeviceId(), f.getSensorId(), f.getSequence());
    }
}
