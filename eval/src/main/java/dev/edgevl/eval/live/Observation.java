package dev.edgevl.eval.live;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.AnnotationStatus;
import dev.edgevl.avro.LabelScore;
import dev.edgevl.avro.Modality;
import java.time.Instant;
import java.util.List;

/**
 * One annotation judged against its frame's truth.
 *
 * @param labelled      the student gave labels (status OK); frames before the first model are not
 * @param rgbRight      null when the pair had no RGB frame or no RGB labels; RGB is judged against
 *                      the pair's scene, which is the RGB frame's scene except across a scene change
 * @param modelVersion  null when no model produced it
 */
record Observation(
        Modality modality,
        Instant captureTime,
        Instant annotatedTime,
        boolean labelled,
        boolean nonRgbRight,
        Boolean rgbRight,
        boolean routed,
        Long modelVersion) {

    static Observation judge(Annotation a, String truthLabel) {
        boolean labelled = a.getStatus() == AnnotationStatus.OK && !a.getTopK().isEmpty();
        boolean right = labelled && top1(a.getTopK()).equals(truthLabel);
        Boolean rgb = labelled && a.getRgbSequence() != null && !a.getRgbTopK().isEmpty()
                ? top1(a.getRgbTopK()).equals(truthLabel)
                : null;
        return new Observation(
                a.getAuxModality(),
                a.getCaptureTime(),
                a.getAnnotatedTime(),
                labelled,
                right,
                rgb,
                a.getRoutedToTeacher(),
                a.getModelVersion());
    }

    private static String top1(List<LabelScore> topK) {
        return topK.get(0).getLabel();
    }

    double latencyMs() {
        return java.time.Duration.between(captureTime, annotatedTime).toNanos() / 1e6;
    }
}
