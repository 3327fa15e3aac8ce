package dev.edgevl.model.clip;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;
import dev.edgevl.model.PyTorch;

/**
 * Pretrains the synthetic teacher, CLIP style: an image tower and a text tower learn a shared space in
 * which a scene's picture lands next to its caption. Only RGB pictures are used, as CLIP only ever saw
 * photographs — that blind spot for depth and thermal is what the student is there to fill.
 *
 * <p>One NDManager per step. The two towers are separate DJL models updated by one optimizer.
 */
public final class ClipPretrainer implements AutoCloseable {
    private final Model imageModel;
    private final Model textModel;
    private final Optimizer optimizer;
    private final NDManager root;
    private final float temperature;
    private final int imageSize;
    private final int contextLength;
    private int updates;

    public ClipPretrainer(
            Block imageTower,
            TextTower textTower,
            int imageSize,
            int contextLength,
            float learningRate,
            int steps,
            float temperature,
            int seed) {
        Engine engine = PyTorch.engine();
        engine.setRandomSeed(seed);
        this.root = NDManager.newBaseManager(engine.getEngineName());
        this.imageModel = Model.newInstance("teacher-image", engine.getEngineName());
        this.textModel = Model.newInstance("teacher-text", engine.getEngineName());
        imageModel.setBlock(imageTower);
        textModel.setBlock(textTower);
        imageTower.initialize(imageModel.getNDManager(), DataType.FLOAT32, new Shape(1, 3, imageSize, imageSize));
        // The data type is the parameters', not the input's: token ids are integers, the tower's weights are not.
        textTower.initialize(textModel.getNDManager(), DataType.FLOAT32, new Shape(1, contextLength));
        this.optimizer = Optimizer.adamW()
                .optLearningRateTracker(CosineTracker.builder()
                        .setBaseValue(learningRate)
                        .optFinalValue(learningRate / 100)
                        .setMaxUpdates(steps)
                        .build())
                .optWeightDecays(0.05f)
                .build();
        this.temperature = temperature;
        this.imageSize = imageSize;
        this.contextLength = contextLength;
        trainable(imageTower);
        trainable(textTower);
    }

    /**
     * One update on N images (N×3×S×S) and their captions' token ids (N×L); {@code groups} marks equal
     * captions. Returns the loss before the update.
     */
    public float step(float[] images, int[] tokens, int[] groups) {
        int n = groups.length;
        float loss;
        try (NDManager step = root.newSubManager()) {
            NDArray x = step.create(images, new Shape(n, 3, imageSize, imageSize));
            NDArray t = step.create(tokens, new Shape(n, contextLength));
            ParameterStore store = new ParameterStore(step, false);
            try (GradientCollector collector = PyTorch.engine().newGradientCollector()) {
                NDArray img = imageModel
                        .getBlock()
                        .forward(store, new NDList(x), true)
                        .singletonOrThrow();
                NDArray txt =
                        textModel.getBlock().forward(store, new NDList(t), true).singletonOrThrow();
                NDArray value = ContrastiveLoss.of(img, txt, groups, temperature);
                collector.backward(value);
                loss = value.getFloat();
            }
            update(imageModel.getBlock());
            update(textModel.getBlock());
        }
        updates++;
        return loss;
    }

    /** Batch-norm running statistics are parameters too, but they are estimated, not learnt. */
    private static void trainable(Block block) {
        block.getParameters().values().stream()
                .filter(Parameter::requiresGradient)
                .forEach(p -> p.getArray().setRequiresGradient(true));
    }

    private void update(Block block) {
        block.getParameters().forEach(pair -> {
            if (!pair.getValue().requiresGradient()) {
                return;
            }
            NDArray weight = pair.getValue().getArray();
            NDArray gradient = weight.getGradient();
            optimizer.update(pair.getValue().getId(), weight, gradient);
            gradient.subi(gradient); // zero it for the next step
        });
    }

    public float[][] encodeImages(float[] images, int count) {
        return encode(imageModel.getBlock(), images, null, count);
    }

    public float[][] encodeTexts(int[] tokens, int count) {
        return encode(textModel.getBlock(), null, tokens, count);
    }

    private float[][] encode(Block block, float[] images, int[] tokens, int count) {
        try (NDManager m = root.newSubManager()) {
            NDArray in = images != null
                    ? m.create(images, new Shape(count, 3, imageSize, imageSize))
                    : m.create(tokens, new Shape(count, contextLength));
            NDArray out = block.forward(new ParameterStore(m, false), new NDList(in), false)
                    .singletonOrThrow();
            int d = (int) out.getShape().get(1);
            float[] flat = out.toFloatArray();
            float[][] rows = new float[count][d];
            for (int i = 0; i < count; i++) {
                System.arraycopy(flat, i * d, rows[i], 0, d);
            }
            return rows;
        }
    }

    public int updates() {
        return updates;
    }

    public Model imageModel() {
        return imageModel;
    }

    public Model textModel() {
        return textModel;
    }

    @Override
    public void close() {
        imageModel.close();
        textModel.close();
        root.close();
    }
}
