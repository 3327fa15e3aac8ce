package dev.edgevl.model.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import dev.edgevl.model.PyTorch;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.QatStudentBlock;

/**
 * EdgeVL stage 2, quantization-aware contrastive training: the folded student runs with int8 fake
 * quantization, and a triplet loss over teacher pseudo-labels (RGB and non-RGB terms summed) pulls
 * same-label frames together across modalities while the network learns weights that survive rounding.
 * The pull to the teacher's embedding covers the whole batch, unlabelled pairs included ({@link Stage2Batches}).
 * One NDManager per step; not thread-safe.
 */
public final class QatTrainer implements AutoCloseable {
    private final Model model;
    private final Trainer trainer;
    private final QatStudentBlock block;
    private final QatConfig config;

    /** {@code student} must carry calibrated activation ranges. */
    public QatTrainer(FoldedStudent student, QatConfig config) {
        this.config = config;
        Engine engine = PyTorch.engine();
        engine.setRandomSeed(config.seed());
        this.block = new QatStudentBlock(student);
        this.model = Model.newInstance("student-stage2", engine.getEngineName());
        model.setBlock(block);
        this.trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l1Loss())
                .optOptimizer(Schedules.adamWCosine(
                        config.learningRate(), config.finalLearningRate(), config.weightDecay(), config.steps())));
        trainer.initialize(new Shape(1, 3, student.inputSize(), student.inputSize()));
    }

    /** One update; returns the batch's loss before it. */
    public float step(LabelledPairBatch batch) {
        PairBatch pairs = batch.pairs();
        int n = pairs.size();
        int s = pairs.imageSize();
        int d = pairs.embeddingDim();
        float[] targets = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(pairs.teacher()[i], 0, targets, i * d, d);
        }
        float loss;
        try (NDManager step = trainer.getManager().newSubManager()) {
            NDArray rgb = step.create(pairs.rgb(), new Shape(n, 3, s, s));
            NDArray aux = step.create(pairs.aux(), new Shape(n, 3, s, s));
            NDArray t = step.create(targets, new Shape(n, d));
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray sRgb = trainer.forward(new NDList(rgb)).singletonOrThrow();
                NDArray sAux = trainer.forward(new NDList(aux)).singletonOrThrow();
                NDArray value = TripletLoss.semiHard(sRgb, batch.pseudoLabels(), config.margin())
                        .add(TripletLoss.semiHard(sAux, batch.pseudoLabels(), config.margin()));
                if (config.distillWeight() > 0) {
                    value = value.add(DistillLoss.L1
                            .of(sRgb, t)
                            .add(DistillLoss.L1.of(sAux, t))
                            .mul(config.distillWeight()));
                }
                collector.backward(value);
                loss = value.getFloat();
            }
            trainer.step();
        }
        return loss;
    }

    /** The trained student with its observed activation ranges, ready to export. */
    public FoldedStudent result() {
        return block.toFolded();
    }

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
