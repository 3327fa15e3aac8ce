package dev.edgevl.model.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import dev.edgevl.model.PyTorch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EdgeVL stage 1, dual-modality distillation: each step sees the RGB images and their paired non-RGB
 * images, and regresses both to the teacher's embedding of the RGB image. One network learns to put a
 * depth image where the teacher puts the matching photo, which is how the student comes to understand
 * modalities the teacher never saw.
 *
 * <p>Every step runs in its own NDManager, closed at the end of the step, so memory stays flat however
 * long training runs. Not thread-safe: one trainer per thread.
 */
public final class DistillationTrainer implements AutoCloseable {
    private final Model model;
    private final Trainer trainer;
    private final DistillConfig config;
    private int stepsDone;
    private boolean finished;

    /** Trains {@code block} (initialized here for {@code imageSize}); the caller keeps ownership of the block's weights through {@link #model()}. */
    public DistillationTrainer(Block block, int imageSize, DistillConfig config) {
        this(block, imageSize, config, null);
    }

    /**
     * Continues from {@code weights} (what {@link #weights()} of an earlier trainer of the same architecture returned)
     * instead of a fresh initialization; null starts fresh. The optimizer's moments start afresh either way.
     *
     * @throws IllegalArgumentException when the weights do not fit the block
     */
    public DistillationTrainer(Block block, int imageSize, DistillConfig config, byte[] weights) {
        this.config = config;
        Engine engine = PyTorch.engine();
        engine.setRandomSeed(config.seed());
        this.model = Model.newInstance("student-stage1", engine.getEngineName());
        model.setBlock(block);
        if (weights != null) {
            load(block, imageSize, weights);
        }
        Optimizer adamW = Schedules.adamWCosine(
                config.learningRate(), config.finalLearningRate(), config.weightDecay(), config.steps());
        // DJL wants a loss in the config; this trainer computes its own (two modalities, one target).
        this.trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l1Loss()).optOptimizer(adamW));
        trainer.initialize(new Shape(1, 3, imageSize, imageSize));
    }

    /** One update on a batch; returns the batch's loss before the update. */
    public float step(PairBatch batch) {
        int n = batch.size();
        int d = batch.embeddingDim();
        float[] images = new float[2 * batch.rgb().length];
        System.arraycopy(batch.rgb(), 0, images, 0, batch.rgb().length);
        System.arraycopy(batch.aux(), 0, images, batch.rgb().length, batch.aux().length);
        float[] targets = new float[2 * n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(batch.teacher()[i], 0, targets, i * d, d);
            System.arraycopy(batch.teacher()[i], 0, targets, (n + i) * d, d);
        }
        return update(images, targets, 2 * n, batch.imageSize(), d);
    }

    /**
     * One update on images of one modality alone (N×3×S×S, preprocessed), each regressed to its target (N×D): for a
     * graph that serves that modality only.
     */
    public float step(float[] images, float[][] targets, int imageSize) {
        int n = targets.length;
        int d = targets[0].length;
        if (images.length != n * 3 * imageSize * imageSize) {
            throw new IllegalArgumentException(
                    n + " targets need " + n + " images of 3x" + imageSize + "x" + imageSize);
        }
        float[] flat = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(targets[i], 0, flat, i * d, d);
        }
        return update(images, flat, n, imageSize, d);
    }

    private float update(float[] images, float[] targets, int count, int s, int d) {
        checkNotFinished();
        float loss;
        try (NDManager step = trainer.getManager().newSubManager()) {
            NDArray x = step.create(images, new Shape(count, 3, s, s));
            NDArray t = step.create(targets, new Shape(count, d));
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray predicted = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray value = config.loss().of(predicted, t);
                collector.backward(value);
                loss = value.getFloat();
            }
            trainer.step();
        }
        stepsDone++;
        return loss;
    }

    /**
     * Re-estimates the batch norms' running statistics on these images (N×3×S×S, forward passes in training mode in
     * batches of {@code batch}, no update of any weight): the normalisation a graph serving one modality should use
     * (AdaBN). Only moves the statistics of a block built with statistics that are not frozen.
     */
    public void adaptStatistics(float[] images, int count, int imageSize, int batch) {
        checkNotFinished();
        int pixels = 3 * imageSize * imageSize;
        for (int from = 0; from + batch <= count; from += batch) {
            try (NDManager step = trainer.getManager().newSubManager()) {
                float[] part = java.util.Arrays.copyOfRange(images, from * pixels, (from + batch) * pixels);
                NDArray x = step.create(part, new Shape(batch, 3, imageSize, imageSize));
                trainer.forward(new NDList(x)).close();
            }
        }
    }

    /** Student embeddings of preprocessed images (N×3×S×S), in inference mode. */
    public float[][] embed(float[] images, int count, int imageSize) {
        checkNotFinished();
        try (NDManager manager = trainer.getManager().newSubManager()) {
            NDArray x = manager.create(images, new Shape(count, 3, imageSize, imageSize));
            NDArray out = trainer.evaluate(new NDList(x)).singletonOrThrow();
            float[] flat = out.toFloatArray();
            int d = (int) out.getShape().get(1);
            float[][] rows = new float[count][d];
            for (int i = 0; i < count; i++) {
                System.arraycopy(flat, i * d, rows[i], 0, d);
            }
            return rows;
        }
    }

    /**
     * Moves every parameter (and batch-norm statistic) back towards {@code anchor}'s: {@code anchor + keep · (this −
     * anchor)}. Weight-space interpolation between a fine-tuned network and the one it started from keeps much of what
     * the fine-tuning gained and gives back much of what it cost elsewhere; {@code keep} 1 leaves the weights as they are.
     *
     * <p>The result is in the block ({@link #model()}, {@link #weights()}); the trainer itself is done after this (its
     * parameter store still holds the arrays it trained), so stepping or embedding with it is refused.
     *
     * @param anchor weights of the same architecture in DJL's parameter format (e.g. the round's starting point)
     */
    public void interpolateTowards(byte[] anchor, float keep) {
        if (!(keep >= 0 && keep <= 1)) {
            throw new IllegalArgumentException("keep must be in 0..1, got " + keep);
        }
        if (keep == 1f) {
            return;
        }
        finished = true;
        byte[] mine = weights();
        Block block = model.getBlock();
        List<float[]> anchorValues = new ArrayList<>();
        loadParameters(block, anchor);
        block.getParameters()
                .forEach(p -> anchorValues.add(p.getValue().getArray().toFloatArray()));
        loadParameters(block, mine);
        var parameters = block.getParameters();
        if (parameters.size() != anchorValues.size()) {
            throw new IllegalArgumentException("the anchor weights do not fit this student");
        }
        try (NDManager scratch = model.getNDManager().newSubManager()) {
            for (int i = 0; i < parameters.size(); i++) {
                NDArray a = parameters.get(i).getValue().getArray();
                NDArray b = scratch.create(anchorValues.get(i), a.getShape());
                a.muli(keep).addi(b.muli(1 - keep));
            }
        }
    }

    private void checkNotFinished() {
        if (finished) {
            throw new IllegalStateException("the weights were interpolated: load them in a new trainer to go on");
        }
    }

    private void loadParameters(Block block, byte[] weights) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights))) {
            block.loadParameters(model.getNDManager(), in);
        } catch (IOException | MalformedModelException e) {
            throw new IllegalArgumentException("the weights do not fit this student: " + e.getMessage(), e);
        }
    }

    /** The network's weights and batch-norm statistics in DJL's parameter format, to continue training from later. */
    public byte[] weights() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            model.getBlock().saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** DJL takes any parameter shapes from the file, so they are checked against a fresh initialization here. */
    private void load(Block block, int imageSize, byte[] weights) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights))) {
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, imageSize, imageSize));
            Map<String, Shape> expected = new LinkedHashMap<>();
            block.getParameters()
                    .forEach(p ->
                            expected.put(p.getKey(), p.getValue().getArray().getShape()));
            block.loadParameters(model.getNDManager(), in);
            block.getParameters().forEach(p -> {
                Shape loaded = p.getValue().getArray().getShape();
                if (!loaded.equals(expected.get(p.getKey()))) {
                    throw new IllegalArgumentException(
                            p.getKey() + " has shape " + loaded + " instead of " + expected.get(p.getKey()));
                }
            });
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException(
                    "the saved student weights do not fit this student: " + e.getMessage(), e);
        }
    }

    public int stepsDone() {
        return stepsDone;
    }

    public Model model() {
        return model;
    }

    /** Arrays alive in the model's and trainer's managers: constant across steps when nothing leaks. */
    public int liveArrays() {
        return model.getNDManager().getManagedArrays().size()
                + trainer.getManager().getManagedArrays().size();
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
