package dev.edgevl.device.fleet;

import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ObjectTruth;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.sim.device.Capture;
import dev.edgevl.sim.scenario.SensorKind;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Turns a simulated capture into what a real device would publish (a {@link SensorFrame}) and, kept
 * apart, what only evaluators may see (a {@link FrameTruth}).
 */
final class SimulatedFrames {
    private SimulatedFrames() {}

    static Modality modality(SensorKind kind) {
        return switch (kind) {
            case RGB -> Modality.RGB;
            case DEPTH -> Modality.DEPTH;
            case THERMAL -> Modality.THERMAL;
        };
    }

    static Instant at(Instant epoch, Duration sinceStart) {
        return epoch.plus(sinceStart).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    static SensorFrame frame(Capture capture, Instant epoch, Instant publishTime) {
        return SensorFrame.newBuilder()
                .setDeviceId(capture.deviceId())
                .setSensorId(capture.sensorId())
                .setModality(modality(capture.kind()))
                .setCaptureTime(at(epoch, capture.clockTime()))
                .setSequence(capture.sequence())
                .setWidth(capture.width())
                .setHeight(capture.height())
                .setEncoding(PixelEncoding.valueOf(capture.encoding()))
                .setData(ByteBuffer.wrap(capture.bytes()))
                .setPublishTime(publishTime.truncatedTo(java.time.temporal.ChronoUnit.MICROS))
                .setAttributes(Map.of())
                .build();
    }

    static FrameTruth truth(Capture capture, Instant epoch) {
        List<ObjectTruth> objects = capture.truth().objects().stream()
                .map(o -> ObjectTruth.newBuilder()
                        .setShape(o.shape())
                        .setColour(o.colour())
                        .setSize(o.size())
                        .setMaterial(o.material())
                        .setPrimary(o.primary())
                        .setPosition(List.of(o.x(), o.y(), o.z()))
                        .setRotationDeg(List.of(o.yawDeg(), o.pitchDeg(), o.rollDeg()))
                        .setTemperatureK(o.temperatureK())
                        .build())
                .toList();
        return FrameTruth.newBuilder()
                .setDeviceId(capture.deviceId())
                .setSensorId(capture.sensorId())
                .setSequence(capture.sequence())
                .setCaptureTime(at(epoch, capture.clockTime()))
                .setTrueTime(at(epoch, capture.trueTime()))
                .setSceneId(capture.sceneId())
                .setObjects(objects)
                .setCaption(capture.truth().caption())
                .setConditions(capture.conditions())
                .build();
    }
}
