package dev.edgevl.inference;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.AnnotationStatus;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelScore;
import dev.edgevl.avro.RouteReason;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.zeroshot.Classification;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.model.zeroshot.ScoredLabel;
import dev.edgevl.model.zeroshot.Uncertainty;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Builds the job's output records from a frame and what the student made of it. Pure. */
public final class AnnotationRecords {
    private AnnotationRecords() {}

    /**
     * @param scored    the student's outcome, or null when no model has arrived yet
     * @param model     the model that scored it, or null
     * @param reasons   why the frame goes to the teacher; empty when it does not
     * @param perFrameInferenceMicros the batch's model time divided by its size
     */
    static Annotation annotation(
            PendingFrame frame,
            BatchInference.Scored scored,
            LiveModel model,
            String labelSetVersion,
            Set<RouteReason> reasons,
            boolean routed,
            Instant annotatedAt,
            Long perFrameInferenceMicros) {
        return annotation(
                frame,
                scored,
                model == null ? null : model.family(),
                model == null ? null : model.version(),
                labelSetVersion,
                reasons,
                routed,
                annotatedAt,
                perFrameInferenceMicros);
    }

    /** As above, for a model known by its family and version alone (another runtime than {@link LiveModel}). */
    public static Annotation annotation(
            PendingFrame frame,
            BatchInference.Scored scored,
            String family,
            Long version,
            String labelSetVersion,
            Set<RouteReason> reasons,
            boolean routed,
            Instant annotatedAt,
            Long perFrameInferenceMicros) {
        FramePair pair = frame.pair();
        SensorFrame aux = pair.getAux();
        SensorFrame rgb = pair.getRgb();
        AnnotationStatus status = scored == null
                ? AnnotationStatus.NO_MODEL
                : scored.labels() == null ? AnnotationStatus.NO_LABELS : AnnotationStatus.OK;
        return Annotation.newBuilder()
                .setDeviceId(frame.deviceId())
                .setAuxSensorId(aux.getSensorId())
                .setAuxModality(aux.getModality())
                .setAuxSequence(aux.getSequence())
                .setRgbSequence(rgb == null ? null : rgb.getSequence())
                .setCaptureTime(aux.getCaptureTime())
                .setStatus(status)
                .setEmbedding(scored == null ? List.of() : Embeddings.boxed(scored.embedding()))
                .setRgbEmbedding(
                        scored == null || scored.rgbEmbedding() == null
                                ? null
                                : Embeddings.boxed(scored.rgbEmbedding()))
                .setTopK(scores(scored == null ? null : scored.labels()))
                .setRgbTopK(scores(scored == null ? null : scored.rgbLabels()))
                .setUncertainty(scored == null ? null : uncertainty(scored.uncertainty()))
                .setRoutedToTeacher(routed)
                .setRouteReasons(routed ? List.copyOf(reasons) : List.of())
                .setModelFamily(scored == null ? null : family)
                .setModelVersion(scored == null ? null : version)
                .setLabelSetVersion(scored == null || scored.labels() == null ? null : labelSetVersion)
                .setIngestTime(Instant.ofEpochMilli(frame.ingestMillis()))
                .setAnnotatedTime(annotatedAt)
                .setInferenceMicros(perFrameInferenceMicros)
                .build();
    }

    /** A pair the job shed to catch up: who, which frame, when; no embedding, label or model. */
    static Annotation shed(PairHead pair, long ingestMillis, Instant at) {
        return Annotation.newBuilder()
                .setDeviceId(pair.deviceId())
                .setAuxSensorId(pair.auxSensorId())
                .setAuxModality(pair.auxModality())
                .setAuxSequence(pair.auxSequence())
                .setRgbSequence(pair.rgbSequence())
                .setCaptureTime(pair.capture())
                .setStatus(AnnotationStatus.SHED)
                .setIngestTime(Instant.ofEpochMilli(ingestMillis))
                .setAnnotatedTime(at)
                .build();
    }

    static TeacherRequest teacherRequest(
            PendingFrame frame, Annotation annotation, Set<RouteReason> reasons, Instant at) {
        List<LabelScore> top = annotation.getTopK();
        return TeacherRequest.newBuilder()
                .setPair(frame.pair())
                .setReasons(List.copyOf(reasons))
                .setUncertainty(annotation.getUncertainty())
                .setStudentTop1(top.isEmpty() ? null : top.get(0).getLabel())
                .setModelVersion(annotation.getModelVersion())
                .setRequestTime(at)
                .build();
    }

    private static List<LabelScore> scores(Classification c) {
        if (c == null) {
            return List.of();
        }
        List<LabelScore> out = new ArrayList<>(c.topK().size());
        for (ScoredLabel s : c.topK()) {
            out.add(new LabelScore(s.label(), (float) s.probability(), (float) s.similarity()));
        }
        return out;
    }

    private static dev.edgevl.avro.Uncertainty uncertainty(Uncertainty u) {
        return u == null
                ? null
                : new dev.edgevl.avro.Uncertainty(
                        (float) u.margin(), (float) u.normalizedEntropy(), u.modalityDisagreement());
    }
}
