package dev.edgevl.eval.live;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.AnnotationStatus;
import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.LabelScore;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ObjectTruth;
import java.time.Instant;
import java.util.List;

/** Hand-built records for the live evaluator's tests. */
final class Records {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private Records() {}

    /** An OK annotation of depth frame {@code seq} of {@code device}, labelled {@code top1} (and RGB {@code rgbTop1} if not null). */
    static Annotation annotation(
            String device, long seq, double atSeconds, String top1, String rgbTop1, boolean routed, Long version) {
        Instant capture = at(atSeconds);
        Annotation.Builder b = Annotation.newBuilder()
                .setDeviceId(device)
                .setAuxSensorId("depth0")
                .setAuxModality(Modality.DEPTH)
                .setAuxSequence(seq)
                .setCaptureTime(capture)
                .setAnnotatedTime(capture.plusMillis(10 + seq % 10))
                .setRoutedToTeacher(routed)
                .setModelVersion(version)
                .setModelFamily(version == null ? null : "student");
        if (top1 == null) {
            b.setStatus(AnnotationStatus.NO_MODEL);
        } else {
            b.setStatus(AnnotationStatus.OK).setTopK(List.of(score(top1), score("other")));
        }
        if (rgbTop1 != null) {
            b.setRgbSequence(seq).setRgbTopK(List.of(score(rgbTop1)));
        }
        return b.build();
    }

    static FrameTruth truth(String device, String sensor, long seq, double atSeconds, String shape) {
        ObjectTruth distractor = object("sphere", false);
        return FrameTruth.newBuilder()
                .setDeviceId(device)
                .setSensorId(sensor)
                .setSequence(seq)
                .setCaptureTime(at(atSeconds))
                .setTrueTime(at(atSeconds))
                .setSceneId(seq)
                // the primary object is not always listed first in hand-made records: the label must still be it
                .setObjects(List.of(distractor, object(shape, true)))
                .setCaption("a " + shape)
                .build();
    }

    static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    private static LabelScore score(String label) {
        return LabelScore.newBuilder().setLabel(label).setScore(0.5f).build();
    }

    private static ObjectTruth object(String shape, boolean primary) {
        return ObjectTruth.newBuilder()
                .setShape(shape)
                .setColour("red")
                .setSize("small")
                .setMaterial("matte")
                .setPrimary(primary)
                .setPosition(List.of(0f, 0f, 1f))
                .setRotationDeg(List.of(0f, 0f, 0f))
                .setTemperatureK(300f)
                .build();
    }
}
