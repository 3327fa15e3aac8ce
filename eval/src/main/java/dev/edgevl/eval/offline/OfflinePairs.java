package dev.edgevl.eval.offline;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.sim.Seeds;
import dev.edgevl.sim.sensor.DepthModel;
import dev.edgevl.sim.sensor.Frame;
import dev.edgevl.sim.sensor.SensorRig;
import dev.edgevl.sim.world.Scene;
import dev.edgevl.sim.world.SceneSampler;
import dev.edgevl.sim.world.WorldConfig;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Unlabelled RGB + depth pairs of the default world, rendered and embedded by a teacher, as the distiller gets them
 * from {@code teacher.embeddings}: what the shipped initial student is distilled on ({@code edgevl distill bootstrap})
 * and what the distiller's benchmark trains on. No ground truth goes with them.
 */
public final class OfflinePairs {
    private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

    private OfflinePairs() {}

    /** Pairs {@code from}..{@code to}-1 of the default world, rendered and embedded by the teacher, as the distiller gets them. */
    public static List<TeacherEmbedding> embedded(TeacherModel teacher, InputSpec spec, long seed, int from, int to) {
        SceneSampler sampler = new SceneSampler(WorldConfig.defaults());
        SensorRig rig = new SensorRig();
        List<FramePair> pairs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            // The name the benchmark gave these scenes when it owned them: kept, so the committed initial student's
            // pairs are rendered again exactly by its recorded command.
            long sceneSeed = Seeds.derive(Seeds.derive(seed, "bench-distill"), i);
            Scene scene = sampler.sample(sceneSeed);
            SensorRig.Triple t =
                    rig.capture(scene, 1.0, DepthModel.DEFAULT, new Random(Seeds.derive(sceneSeed, "noise")));
            String device = "cam-" + (i % 4);
            pairs.add(FramePair.newBuilder()
                    .setDeviceId(device)
                    .setRgb(frame(device, "rgb0", Modality.RGB, t.rgb(), i))
                    .setAux(frame(device, "depth0", Modality.DEPTH, t.depth(), i))
                    .setSkewMicros(0L)
                    .setOrigin(PairOrigin.FRAME_SYNC)
                    .build());
        }
        List<TeacherEmbedding> out = new ArrayList<>(pairs.size());
        for (int start = 0; start < pairs.size(); start += 64) {
            List<FramePair> chunk = pairs.subList(start, Math.min(pairs.size(), start + 64));
            float[][] images = chunk.stream()
                    .map(p -> FramePreprocessor.toInput(p.getRgb(), spec))
                    .toArray(float[][]::new);
            float[][] embeddings = teacher.encodeImages(images);
            for (int k = 0; k < chunk.size(); k++) {
                int i = from + start + k;
                out.add(TeacherEmbedding.newBuilder()
                        .setPair(chunk.get(k))
                        .setTeacherId(teacher.id())
                        .setSourceModality(Modality.RGB)
                        .setEmbedding(Embeddings.boxed(embeddings[k]))
                        .setReasons(List.of())
                        .setRequestTime(null)
                        .setEmbeddedTime(T0.plus(i, ChronoUnit.MILLIS))
                        .build());
            }
        }
        return out;
    }

    private static SensorFrame frame(String device, String sensor, Modality modality, Frame f, long sequence) {
        return SensorFrame.newBuilder()
                .setDeviceId(device)
                .setSensorId(sensor)
                .setModality(modality)
                .setCaptureTime(T0.plus(sequence * 100, ChronoUnit.MILLIS))
                .setSequence(sequence)
                .setWidth(f.width())
                .setHeight(f.height())
                .setEncoding(PixelEncoding.valueOf(f.encoding().name()))
                .setData(ByteBuffer.wrap(f.data()))
                .setAttributes(Map.of())
                .build();
    }
}
