package dev.edgevl.inference;

import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The operator's Flink metrics, under the group {@code edgevl}: frames in, annotations and teacher requests out, dead
 * letters, model swaps and refusals, batch size, model time per batch, capture-to-annotation latency, the routing
 * rate, the live model version (-1 before the first), the labels scored with and the live labels left out as unusable;
 * pairs shed ({@code shed}; {@code shedToCatchUp} of them on time, by {@link ShedPolicy}'s share) and the share of on-time
 * pairs annotated ({@code annotatedShare}, 1 while the job keeps up);
 * and where the task's time goes, as nanoseconds summed per stage ({@code decodeNanos}, {@code preprocessNanos},
 * {@code modelNanos}, {@code postprocessNanos}, {@code emitNanos}: divided by {@code annotations}, the time per pair).
 */
final class InferenceMetrics {
    private static final int WINDOW = 2048;
    final Counter framesIn;
    final Counter annotations;
    final Counter teacherRequests;
    final Counter deadLettered;
    final Counter shed;
    final Counter shedToCatchUp;
    final Counter modelSwaps;
    final Counter modelsRefused;
    final Counter decodeNanos;
    final Counter preprocessNanos;
    final Counter modelNanos;
    final Counter postprocessNanos;
    final Counter emitNanos;
    private final Histogram batchSize;
    private final Histogram inferenceMillis;
    private final Histogram latencyMillis;

    InferenceMetrics(
            MetricGroup operatorGroup,
            LongSupplier liveVersion,
            LongSupplier labelCount,
            LongSupplier labelsLeftOut,
            DoubleSupplier annotatedShare) {
        MetricGroup g = operatorGroup.addGroup("edgevl");
        framesIn = g.counter("framesIn");
        annotations = g.counter("annotations");
        teacherRequests = g.counter("teacherRequests");
        deadLettered = g.counter("deadLettered");
        shed = g.counter("shed");
        shedToCatchUp = g.counter("shedToCatchUp");
        modelSwaps = g.counter("modelSwaps");
        modelsRefused = g.counter("modelsRefused");
        decodeNanos = g.counter("decodeNanos");
        preprocessNanos = g.counter("preprocessNanos");
        modelNanos = g.counter("modelNanos");
        postprocessNanos = g.counter("postprocessNanos");
        emitNanos = g.counter("emitNanos");
        batchSize = g.histogram("batchSize", new DescriptiveStatisticsHistogram(WINDOW));
        inferenceMillis = g.histogram("inferenceMillisPerBatch", new DescriptiveStatisticsHistogram(WINDOW));
        latencyMillis = g.histogram("captureToAnnotationMillis", new DescriptiveStatisticsHistogram(WINDOW));
        g.gauge("liveModelVersion", (Gauge<Long>) liveVersion::getAsLong);
        g.gauge("labels", (Gauge<Long>) labelCount::getAsLong);
        g.gauge("labelsLeftOut", (Gauge<Long>) labelsLeftOut::getAsLong);
        g.gauge("annotatedShare", (Gauge<Double>) annotatedShare::getAsDouble);
        g.gauge("routingRate", (Gauge<Double>)
                () -> annotations.getCount() == 0 ? 0.0 : (double) teacherRequests.getCount() / annotations.getCount());
    }

    void annotated(boolean routed, long latencyMs) {
        annotations.inc();
        if (routed) {
            teacherRequests.inc();
        }
        latencyMillis.update(latencyMs);
    }

    /**
     * @param annotateNanos the batch through the student: the model, then labels, uncertainty and routing
     * @param emitNanos     the batch's records encoded and handed to the sink
     */
    void batch(int size, long inferenceNanos, long annotateNanos, long emitNanos) {
        batchSize.update(size);
        inferenceMillis.update(inferenceNanos / 1_000_000);
        modelNanos.inc(inferenceNanos);
        postprocessNanos.inc(annotateNanos - inferenceNanos);
        this.emitNanos.inc(emitNanos);
    }
}
