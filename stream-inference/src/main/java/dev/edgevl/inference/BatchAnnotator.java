package dev.edgevl.inference;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.RouteReason;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.TokenBucket;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The job's work on one batch, without Flink: the student's labels ({@link BatchInference}), why each frame would go
 * to the teacher ({@link RoutingPolicy}), the device's budget, and the records the job writes. The stream job's
 * operator and the accelerated continual evaluation both run their batches through this, so they cannot differ.
 */
public final class BatchAnnotator implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The per-device teacher budget: charged for a frame that wants to go (an uncertain one only beyond the reserve
     * kept for exploration, {@link TokenBucket.Ask}), credited for every frame.
     */
    public interface Budget {
        boolean offer(String deviceId, TokenBucket.Ask ask) throws Exception;
    }

    /**
     * One frame's outcome.
     *
     * @param request the teacher request, or null when the frame was not routed
     */
    public record Annotated(PendingFrame frame, Annotation annotation, TeacherRequest request) {}

    /** A batch's outcomes, in input order, and the model's time for it (0 without a model). */
    public record Result(List<Annotated> frames, long inferenceNanos) {}

    private final InferenceConfig config;
    private final RoutingPolicy routing;
    private final RoutingPolicy canaryRouting;
    private transient BatchInference.Scratch scratch;

    public BatchAnnotator(InferenceConfig config) {
        this.config = config;
        this.routing = new RoutingPolicy(config.routing(), config.exploration());
        this.canaryRouting = RoutingPolicy.uniform(config.budget().fraction());
    }

    /** The input arrays this annotator's batches reuse; an annotator serves one thread (an operator instance). */
    private BatchInference.Scratch scratch() {
        if (scratch == null) {
            scratch = new BatchInference.Scratch();
        }
        return scratch;
    }

    /**
     * @param model the live model, or null before the first (frames are then {@code NO_MODEL})
     * @param labels the live label set (possibly empty)
     * @param now the annotations' {@code annotatedTime} and the requests' {@code requestTime}
     */
    public Result annotate(List<PendingFrame> batch, LiveModel model, LabelSet labels, Instant now, Budget budget)
            throws Exception {
        return annotate(batch, Deployment.of(model), labels, now, budget);
    }

    /**
     * As {@link #annotate(List, LiveModel, LabelSet, Instant, Budget)}, each frame by the model its device runs: the
     * canary's devices and the others go through their own model as two batches, and the outcomes come back in input
     * order. The canary's devices spend their teacher budget on a uniform sample ({@link RoutingPolicy#uniform}), so
     * what the distiller judges the canary on is not chosen by the canary's own uncertainty.
     */
    public Result annotate(List<PendingFrame> batch, Deployment deployment, LabelSet labels, Instant now, Budget budget)
            throws Exception {
        if (deployment.canary() == null) {
            return annotateWith(batch, deployment.fleet(), routing, labels, now, budget);
        }
        List<PendingFrame> canaryFrames = new ArrayList<>();
        List<PendingFrame> fleetFrames = new ArrayList<>();
        boolean[] inCanary = new boolean[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            PendingFrame frame = batch.get(i);
            inCanary[i] = deployment.modelFor(frame.deviceId()) == deployment.canary();
            (inCanary[i] ? canaryFrames : fleetFrames).add(frame);
        }
        Result canary = annotateWith(canaryFrames, deployment.canary(), canaryRouting, labels, now, budget);
        Result fleet = annotateWith(fleetFrames, deployment.fleet(), routing, labels, now, budget);
        List<Annotated> out = new ArrayList<>(batch.size());
        int c = 0;
        int f = 0;
        for (boolean canaryFrame : inCanary) {
            out.add(canaryFrame ? canary.frames().get(c++) : fleet.frames().get(f++));
        }
        return new Result(out, canary.inferenceNanos() + fleet.inferenceNanos());
    }

    private Result annotateWith(
            List<PendingFrame> batch,
            LiveModel model,
            RoutingPolicy routing,
            LabelSet labels,
            Instant now,
            Budget budget)
            throws Exception {
        if (batch.isEmpty()) {
            return new Result(List.of(), 0);
        }
        BatchInference.Outcome outcome = model == null
                ? null
                : BatchInference.run(batch, model, labels, config.topK(), config.temperature(), scratch());
        Long perFrameMicros =
                outcome == null || batch.isEmpty() ? null : outcome.inferenceNanos() / 1_000 / batch.size();
        ModalityPriority priority = config.favourWeak() && model != null
                ? ModalityPriority.from(model.metrics())
                : ModalityPriority.UNIFORM;
        List<Annotated> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            PendingFrame frame =
                    outcome == null ? batch.get(i) : outcome.frames().get(i).frame();
            BatchInference.Scored scored =
                    outcome == null ? null : outcome.frames().get(i);
            Set<RouteReason> reasons =
                    routing.reasons(frame, scored != null, scored == null ? null : scored.uncertainty());
            boolean routed = budget.offer(frame.deviceId(), routing.ask(frame, reasons, priority));
            Annotation annotation = AnnotationRecords.annotation(
                    frame, scored, model, labels.version(), reasons, routed, now, perFrameMicros);
            out.add(new Annotated(
                    frame,
                    annotation,
                    routed ? AnnotationRecords.teacherRequest(frame, annotation, reasons, now) : null));
        }
        return new Result(out, outcome == null ? 0 : outcome.inferenceNanos());
    }
}
