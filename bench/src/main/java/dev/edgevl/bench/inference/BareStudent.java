package dev.edgevl.bench.inference;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.inference.BatchAnnotator;
import dev.edgevl.inference.Deployment;
import dev.edgevl.inference.InferenceConfig;
import dev.edgevl.inference.PendingFrame;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.TokenBucket;
import dev.edgevl.schemas.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The job's per-record work without the job: the encoded {@code frames.paired} value decoded, preprocessed, run through
 * the student in batches (the operator's {@link BatchAnnotator}: model, labels, routing, the output records) and the
 * records encoded — in a loop on one thread, each stage timed. What the job adds on top (source, shuffle, sink,
 * checkpoints, broker) is what {@code jobOverBare} measures.
 */
final class BareStudent {
    /** Frames per second and the time each stage took per frame. */
    record Figures(double framesPerSecond, Map<String, Double> microsPerFrame) {}

    private final LiveModel model;
    private final LabelSet labels;
    private final BatchAnnotator annotator = new BatchAnnotator(InferenceConfig.defaults());
    private final Deserializer<FramePair> decoder =
            BenchFleet.SERDES.valueSerde(Topics.FRAMES_PAIRED).deserializer();
    private final Serializer<Annotation> annotations =
            BenchFleet.SERDES.valueSerde(Topics.FRAMES_ANNOTATED).serializer();
    private final Serializer<TeacherRequest> requests =
            BenchFleet.SERDES.valueSerde(Topics.TEACHER_REQUESTS).serializer();

    private final TokenBucket bucket = InferenceConfig.defaults().budget();
    private final Map<String, Long> balances = new HashMap<>();

    BareStudent(LiveModel model, LabelSet labels) {
        this.model = model;
        this.labels = labels;
    }

    /** Runs batches of {@code batch} encoded pairs for {@code seconds} (after as long again of warm-up, untimed). */
    Figures run(List<byte[]> encoded, int batch, double seconds) throws Exception {
        loop(encoded, batch, seconds, new long[5]);
        long[] nanos = new long[5];
        long frames = loop(encoded, batch, seconds, nanos);
        long total = 0;
        for (long n : nanos) {
            total += n;
        }
        Map<String, Double> stages = new LinkedHashMap<>();
        String[] names = {"decode", "preprocess", "model", "postprocess", "serialise"};
        for (int i = 0; i < names.length; i++) {
            stages.put(names[i], nanos[i] / 1e3 / frames);
        }
        return new Figures(frames / (total / 1e9), stages);
    }

    /** The job's per-device teacher budget, kept in a map instead of keyed state. */
    private boolean offer(String device, TokenBucket.Ask ask) {
        TokenBucket.Outcome o = bucket.offer(balances.getOrDefault(device, bucket.initialBalance()), ask);
        balances.put(device, o.balance());
        return o.granted();
    }

    private long loop(List<byte[]> encoded, int batch, double seconds, long[] nanos) throws Exception {
        long start = System.nanoTime();
        long frames = 0;
        int next = 0;
        while ((System.nanoTime() - start) / 1e9 < seconds) {
            long t0 = System.nanoTime();
            List<FramePair> pairs = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                pairs.add(decoder.deserialize(Topics.FRAMES_PAIRED.name(), encoded.get(next++ % encoded.size())));
            }
            long t1 = System.nanoTime();
            List<PendingFrame> frameBatch = new ArrayList<>(batch);
            for (FramePair p : pairs) {
                frameBatch.add(PendingFrame.prepare(p.getDeviceId(), p, model.spec(), 0));
            }
            long t2 = System.nanoTime();
            BatchAnnotator.Result result =
                    annotator.annotate(frameBatch, Deployment.of(model), labels, Instant.now(), this::offer);
            long t3 = System.nanoTime();
            for (BatchAnnotator.Annotated a : result.frames()) {
                annotations.serialize(Topics.FRAMES_ANNOTATED.name(), a.annotation());
                if (a.request() != null) {
                    requests.serialize(Topics.TEACHER_REQUESTS.name(), a.request());
                }
            }
            long t4 = System.nanoTime();
            nanos[0] += t1 - t0;
            nanos[1] += t2 - t1;
            nanos[2] += result.inferenceNanos();
            nanos[3] += t3 - t2 - result.inferenceNanos();
            nanos[4] += t4 - t3;
            frames += batch;
        }
        return frames;
    }
}
