package dev.edgevl.eval.offline;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.zeroshot.Prompts;
import dev.edgevl.sim.Seeds;
import dev.edgevl.sim.sensor.DepthModel;
import dev.edgevl.sim.sensor.Frame;
import dev.edgevl.sim.sensor.SensorRig;
import dev.edgevl.sim.truth.Captions;
import dev.edgevl.sim.truth.SceneTruth;
import dev.edgevl.sim.world.Scene;
import dev.edgevl.sim.world.SceneSampler;
import dev.edgevl.sim.world.Shape;
import dev.edgevl.sim.world.WorldConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Training and held-out scenes of the default sensor world, rendered and preprocessed. The two sets
 * come from different seed streams. Captions go with the training images (they are what a teacher is
 * pretrained on); the shapes go into {@link GroundTruth}, which only the evaluator reads.
 *
 * @param captions the canonical caption of each training scene
 * @param variants caption variants of each training scene (colour, size words dropped at random), and its shape-only caption
 */
public record OfflineDataset(
        ImageSet train, ImageSet heldOut, List<String> captions, List<List<String>> variants, GroundTruth truth) {

    private record Rendered(
            float[] rgb, float[] depth, float[] thermal, String caption, List<String> variants, String label) {}

    public static OfflineDataset generate(long seed, int trainScenes, int heldOutScenes, int captionVariants) {
        SceneSampler sampler = new SceneSampler(WorldConfig.defaults());
        int size = sampler.config().width();
        InputSpec spec = InputSpec.of(size, size);
        List<Rendered> train = render(sampler, spec, Seeds.derive(seed, "offline-train"), trainScenes, captionVariants);
        List<Rendered> heldOut = render(sampler, spec, Seeds.derive(seed, "offline-held-out"), heldOutScenes, 0);
        return new OfflineDataset(
                images(train, size),
                images(heldOut, size),
                train.stream().map(Rendered::caption).toList(),
                train.stream().map(Rendered::variants).toList(),
                new GroundTruth(
                        train.stream().map(Rendered::label).toList(),
                        heldOut.stream().map(Rendered::label).toList()));
    }

    private static List<Rendered> render(
            SceneSampler sampler, InputSpec spec, long streamSeed, int count, int captionVariants) {
        int threads = Math.max(1, Math.min(count, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // A rig reuses its buffers and is not thread-safe: one per worker.
            ThreadLocal<SensorRig> rigs = ThreadLocal.withInitial(SensorRig::new);
            List<Future<Rendered>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long sceneSeed = Seeds.derive(streamSeed, i);
                futures.add(pool.submit(() -> renderOne(rigs.get(), sampler, spec, sceneSeed, captionVariants)));
            }
            List<Rendered> out = new ArrayList<>(count);
            for (Future<Rendered> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering scenes", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("rendering a scene failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Rendered renderOne(
            SensorRig rig, SceneSampler sampler, InputSpec spec, long sceneSeed, int captionVariants) {
        Scene scene = sampler.sample(sceneSeed);
        SensorRig.Triple t = rig.capture(scene, 1.0, DepthModel.DEFAULT, new Random(Seeds.derive(sceneSeed, "noise")));
        Random wording = new Random(Seeds.derive(sceneSeed, "captions"));
        List<String> variants = new ArrayList<>(captionVariants);
        for (int v = 0; v < captionVariants; v++) {
            variants.add(Captions.variant(scene, wording));
        }
        if (captionVariants > 0) {
            // The teacher learns colour first because captions are colour-heavy; shape-only captions give the shape
            // weight.
            variants.add(Captions.shapeOnly(scene));
        }
        return new Rendered(
                input(t.rgb(), Modality.RGB, spec),
                input(t.depth(), Modality.DEPTH, spec),
                input(t.thermal(), Modality.THERMAL, spec),
                Captions.caption(scene),
                List.copyOf(variants),
                SceneTruth.of(scene).label());
    }

    private static float[] input(Frame frame, Modality modality, InputSpec spec) {
        return FramePreprocessor.toInput(
                modality,
                frame.width(),
                frame.height(),
                PixelEncoding.valueOf(frame.encoding().name()),
                frame.data(),
                spec);
    }

    private static ImageSet images(List<Rendered> scenes, int size) {
        int p = ImageSet.pixels(size);
        float[] rgb = new float[scenes.size() * p];
        float[] depth = new float[scenes.size() * p];
        float[] thermal = new float[scenes.size() * p];
        for (int i = 0; i < scenes.size(); i++) {
            System.arraycopy(scenes.get(i).rgb(), 0, rgb, i * p, p);
            System.arraycopy(scenes.get(i).depth(), 0, depth, i * p, p);
            System.arraycopy(scenes.get(i).thermal(), 0, thermal, i * p, p);
        }
        return new ImageSet(scenes.size(), size, rgb, depth, thermal);
    }

    /** Every word a caption, variant or prompt of this world uses: the teacher's vocabulary. */
    public List<String> texts() {
        List<String> all = new ArrayList<>(captions);
        variants.forEach(all::addAll);
        all.addAll(Prompts.allPrompts(Shape.defaultMix()));
        return all;
    }
}
