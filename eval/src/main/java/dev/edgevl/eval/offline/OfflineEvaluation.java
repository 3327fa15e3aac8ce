package dev.edgevl.eval.offline;

import dev.edgevl.model.onnx.Calibration;
import dev.edgevl.model.onnx.OnnxExporter;
import dev.edgevl.model.onnx.OnnxStudent;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.student.StudentFolding;
import dev.edgevl.model.student.StudentNetwork;
import dev.edgevl.model.teacher.SyntheticTeacher;
import dev.edgevl.model.train.DistillConfig;
import dev.edgevl.model.train.DistillLoss;
import dev.edgevl.model.train.DistillationTrainer;
import dev.edgevl.model.train.LabelledPairBatch;
import dev.edgevl.model.train.PairBatch;
import dev.edgevl.model.train.PseudoLabels;
import dev.edgevl.model.train.QatConfig;
import dev.edgevl.model.train.QatTrainer;
import dev.edgevl.model.train.Shuffle;
import dev.edgevl.model.train.Stage2Batches;
import dev.edgevl.model.zeroshot.LabelEncoder;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import dev.edgevl.sim.Seeds;
import dev.edgevl.sim.world.Shape;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The EdgeVL pipeline offline, scored against the world's ground truth: teacher → stage 1
 * (dual-modality distillation) → fold → calibrate → (a) post-training int8, (b) pseudo-labels →
 * stage 2 (QAT) → int8. Training code sees images, captions and teacher outputs only; ground truth
 * enters at {@link Accuracy} alone.
 */
public final class OfflineEvaluation {
    public static final String TEACHER = "teacher";
    public static final String STUDENT_FP32 = "student fp32 (stage 1)";
    public static final String STUDENT_PTQ = "student int8 PTQ";
    public static final String STUDENT_QAT = "student int8 stage 2";
    public static final List<String> ROWS = List.of(TEACHER, STUDENT_FP32, STUDENT_PTQ, STUDENT_QAT);
    private static final int CALIBRATION_IMAGES = 256;
    /** Share of the training scenes kept out of stage 2 to choose between its checkpoints and post-training int8. */
    static final double STAGE2_CHECK_SHARE = 0.15;
    /** Stage 2's checkpoints: after every quarter of its steps. */
    private static final int STAGE2_CHECKPOINTS = 4;

    private final OfflineConfig config;
    private final boolean quick;
    private final Path cacheDir;
    private final PrintStream progress;
    private final PhaseClock clock;

    private OfflineEvaluation(OfflineConfig config, boolean quick, Path cacheDir, PrintStream progress) {
        this.config = config;
        this.quick = quick;
        this.cacheDir = cacheDir;
        this.progress = progress;
        this.clock = new PhaseClock(progress);
    }

    /** Runs the whole pipeline; {@code cacheDir} (may be null) keeps pretrained teachers between runs. */
    public static OfflineReport run(OfflineConfig config, boolean quick, Path cacheDir, PrintStream progress) {
        return new OfflineEvaluation(config, quick, cacheDir, progress).run();
    }

    private OfflineReport run() {
        OfflineDataset data = clock.time(
                "render scenes",
                () -> OfflineDataset.generate(
                        config.seed(), config.trainScenes(), config.heldOutScenes(), config.captionVariants()));
        boolean cached = TeacherPretraining.isCached(config, cacheDir);
        try (SyntheticTeacher teacher =
                clock.time("teacher pretraining", () -> TeacherPretraining.obtain(config, data, cacheDir, progress))) {
            return evaluate(data, teacher, cached);
        }
    }

    private OfflineReport evaluate(OfflineDataset data, SyntheticTeacher teacher, boolean cached) {
        int size = data.train().imageSize();
        LabelSet labels = LabelEncoder.labelSet(teacher, Shape.defaultMix());
        ImageSet heldOut = data.heldOut();
        List<String> truth = data.truth().heldOut();

        float[][] targets = clock.time(
                "teacher targets",
                () -> teacher.encodeImages(data.train().rgb(), data.train().count(), size));
        OfflineReport.Row teacherRow = clock.time(
                "evaluate teacher",
                () -> new OfflineReport.Row(
                        TEACHER,
                        Accuracy.top1(teacher.encodeImages(heldOut.rgb(), heldOut.count(), size), labels, truth),
                        Accuracy.top1(teacher.encodeImages(heldOut.depth(), heldOut.count(), size), labels, truth),
                        Accuracy.top1(teacher.encodeImages(heldOut.thermal(), heldOut.count(), size), labels, truth)));
        progress.printf(
                "teacher RGB top-1 %.1f%%, depth %.1f%%%n", 100 * teacherRow.rgbTop1(), 100 * teacherRow.depthTop1());

        int distillSteps = config.distillEpochs() * (data.train().count() / config.batch());
        FoldedStudent folded = clock.time("stage 1 distillation", () -> distill(data.train(), targets, distillSteps));
        FoldedStudent calibrated = clock.time("fold and calibrate", () -> calibrate(folded, data.train()));

        int[] order =
                Shuffle.permutation(data.train().count(), new Random(Seeds.derive(config.seed(), "stage2-check")));
        int checkCount = (int) Math.round(STAGE2_CHECK_SHARE * order.length);
        int[] check = Arrays.copyOf(order, checkCount);
        int[] stage2Train = Arrays.copyOfRange(order, checkCount, order.length);
        List<PseudoLabels.Pick> picks = PseudoLabels.select(
                gather(targets, stage2Train),
                labels,
                PseudoLabels.DEFAULT_FRACTION,
                ZeroShotClassifier.DEFAULT_TEMPERATURE);
        List<FoldedStudent> checkpoints = clock.time(
                "stage 2 QAT", () -> quantizationAware(calibrated, data.train(), targets, stage2Train, picks));
        Stage2Choice choice = clock.time(
                "stage 2 check", () -> chooseStage2(calibrated, checkpoints, data.train(), targets, check, labels));
        FoldedStudent qat = choice.student();

        byte[] fp32 = OnnxExporter.exportFloat(calibrated);
        byte[] ptq = OnnxExporter.exportInt8(calibrated);
        byte[] int8 = OnnxExporter.exportInt8(qat);
        List<OfflineReport.Row> rows = new ArrayList<>(List.of(teacherRow));
        clock.time("evaluate students", () -> {
            rows.add(onnxRow(STUDENT_FP32, fp32, heldOut, labels, truth));
            rows.add(onnxRow(STUDENT_PTQ, ptq, heldOut, labels, truth));
            rows.add(onnxRow(STUDENT_QAT, int8, heldOut, labels, truth));
            return null;
        });
        List<OfflineReport.Speed> speeds = clock.time("inference speed", () -> speeds(fp32, int8, heldOut));

        long teacherParams = teacher.imageParameters() + teacher.textParameters();
        OfflineReport.Sizes sizes = new OfflineReport.Sizes(
                teacherParams,
                teacher.imageParameters(),
                teacher.textParameters(),
                4 * teacherParams,
                qat.parameterCount(),
                fp32.length,
                int8.length);
        OfflineReport.Setup setup = new OfflineReport.Setup(
                config.seed(),
                quick,
                data.train().count(),
                heldOut.count(),
                labels.size(),
                1.0 / labels.size(),
                config.teacherEpochs(),
                distillSteps,
                picks.size(),
                config.qatSteps(),
                cached,
                check.length,
                choice.step(),
                choice.checkAgreements());
        List<OfflineReport.Target> targetList = Targets.of(rows, sizes);
        return new OfflineReport(
                setup,
                List.copyOf(rows),
                sizes,
                speeds,
                clock.seconds(),
                targetList,
                Targets.summary(rows, targetList));
    }

    private FoldedStudent distill(ImageSet train, float[][] targets, int steps) {
        DistillConfig dc = new DistillConfig(2e-3f, 2e-5f, 0.05f, Math.max(1, steps), DistillLoss.L1, (int)
                Seeds.derive(config.seed(), "student-init"));
        Random random = new Random(Seeds.derive(config.seed(), "stage1-shuffle"));
        int batch = config.batch();
        int perEpoch = train.count() / batch;
        try (DistillationTrainer trainer =
                new DistillationTrainer(StudentNetwork.build(config.studentSpec()), train.imageSize(), dc)) {
            long start = System.nanoTime();
            for (int epoch = 0; epoch < config.distillEpochs(); epoch++) {
                int[] order = Shuffle.permutation(train.count(), random);
                double loss = 0;
                for (int s = 0; s < perEpoch; s++) {
                    int[] idx = Arrays.copyOfRange(order, s * batch, (s + 1) * batch);
                    loss += trainer.step(pairs(train, targets, idx));
                }
                progress.printf(
                        "stage 1: epoch %d/%d  L1 %.4f  (%.0f s)%n",
                        epoch + 1, config.distillEpochs(), loss / perEpoch, (System.nanoTime() - start) / 1e9);
            }
            return StudentFolding.fold(trainer.model().getBlock(), config.studentSpec());
        }
    }

    private static PairBatch pairs(ImageSet set, float[][] targets, int[] idx) {
        float[][] t = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            t[i] = targets[idx[i]];
        }
        return new PairBatch(
                idx.length, set.imageSize(), set.gather(Modalities.RGB, idx), set.gather(Modalities.DEPTH, idx), t);
    }

    /** Activation ranges from RGB and depth images alike, as the deployed student sees both. */
    private FoldedStudent calibrate(FoldedStudent folded, ImageSet train) {
        int n = Math.min(CALIBRATION_IMAGES / 2, train.count());
        int[] idx = Shuffle.permutation(train.count(), new Random(Seeds.derive(config.seed(), "calibration")));
        idx = Arrays.copyOf(idx, n);
        float[] rgb = train.gather(Modalities.RGB, idx);
        float[] depth = train.gather(Modalities.DEPTH, idx);
        float[] both = Arrays.copyOf(rgb, rgb.length + depth.length);
        System.arraycopy(depth, 0, both, rgb.length, depth.length);
        return Calibration.calibrate(folded, both, 2 * n);
    }

    private static float[][] gather(float[][] rows, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = rows[idx[i]];
        }
        return out;
    }

    /**
     * What stage 2 exports: post-training int8 (step 0) or one of its checkpoints, whichever agrees with the teacher
     * most often on the depth images of the training scenes kept out of stage 2 (ties go to the later); so stage 2 is
     * kept where it helps and never exported where it hurts. The held-out scenes and their truth play no part.
     *
     * @param step the chosen checkpoint's step, 0 for post-training int8
     * @param checkAgreements the check's depth agreement at step 0 and at each checkpoint, in order
     */
    record Stage2Choice(FoldedStudent student, int step, List<Double> checkAgreements) {}

    private Stage2Choice chooseStage2(
            FoldedStudent calibrated,
            List<FoldedStudent> checkpoints,
            ImageSet train,
            float[][] targets,
            int[] check,
            LabelSet labels) {
        List<String> teacherLabels = new ArrayList<>(check.length);
        for (int i : check) {
            teacherLabels.add(
                    ZeroShotClassifier.classify(targets[i], labels, 1).top1().label());
        }
        float[] depth = train.gather(Modalities.DEPTH, check);
        List<FoldedStudent> candidates = new ArrayList<>();
        candidates.add(calibrated);
        candidates.addAll(checkpoints);
        List<Double> agreements = new ArrayList<>();
        int best = 0;
        for (int c = 0; c < candidates.size(); c++) {
            try (OnnxStudent student = new OnnxStudent(OnnxExporter.exportInt8(candidates.get(c)))) {
                agreements.add(
                        Accuracy.top1(embed(student, depth, check.length, train.imageSize()), labels, teacherLabels));
            }
            if (agreements.get(c) >= agreements.get(best)) {
                best = c;
            }
        }
        int step = Math.min(best * Math.max(1, config.qatSteps() / STAGE2_CHECKPOINTS), config.qatSteps());
        progress.printf(
                "stage 2 check: depth agreement with the teacher on %d kept-out training scenes %s (post-training int8"
                        + " first, then every quarter of stage 2); exporting %s%n",
                check.length,
                agreements.stream().map(a -> String.format("%.1f%%", 100 * a)).toList(),
                best == 0 ? "post-training int8" : "stage 2 at step " + step);
        return new Stage2Choice(candidates.get(best), step, List.copyOf(agreements));
    }

    /** Stage 2 on the training scenes outside the check; its student after every quarter of the steps. */
    private List<FoldedStudent> quantizationAware(
            FoldedStudent calibrated,
            ImageSet train,
            float[][] targets,
            int[] stage2Train,
            List<PseudoLabels.Pick> picks) {
        QatConfig qc = QatConfig.defaults(config.qatSteps(), (int) Seeds.derive(config.seed(), "qat-init"));
        Stage2Batches batches = new Stage2Batches(
                picks, stage2Train.length, config.batch(), new Random(Seeds.derive(config.seed(), "stage2-shuffle")));
        progress.printf(
                "stage 2: %d pseudo-labelled pairs (top %.0f%% by teacher confidence) fill half of every batch, pairs drawn from"
                        + " all of them the other half%n",
                picks.size(), 100 * PseudoLabels.DEFAULT_FRACTION);
        List<FoldedStudent> checkpoints = new ArrayList<>();
        int every = Math.max(1, config.qatSteps() / STAGE2_CHECKPOINTS);
        try (QatTrainer trainer = new QatTrainer(calibrated, qc)) {
            for (int s = 0; s < config.qatSteps(); s++) {
                Stage2Batches.Batch b = batches.next();
                int[] idx = b.samples().clone();
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = stage2Train[idx[i]];
                }
                float loss = trainer.step(new LabelledPairBatch(pairs(train, targets, idx), b.pseudoLabels()));
                if ((s + 1) % every == 0 || s + 1 == config.qatSteps()) {
                    progress.printf("stage 2: step %d/%d  loss %.4f%n", s + 1, config.qatSteps(), loss);
                    checkpoints.add(trainer.result());
                }
            }
            return checkpoints;
        }
    }

    private static OfflineReport.Row onnxRow(
            String name, byte[] model, ImageSet heldOut, LabelSet labels, List<String> truth) {
        try (OnnxStudent student = new OnnxStudent(model)) {
            return new OfflineReport.Row(
                    name,
                    Accuracy.top1(embed(student, heldOut.rgb(), heldOut.count(), heldOut.imageSize()), labels, truth),
                    Accuracy.top1(embed(student, heldOut.depth(), heldOut.count(), heldOut.imageSize()), labels, truth),
                    Accuracy.top1(
                            embed(student, heldOut.thermal(), heldOut.count(), heldOut.imageSize()), labels, truth));
        }
    }

    private static float[][] embed(OnnxStudent student, float[] images, int count, int size) {
        int p = ImageSet.pixels(size);
        float[][] out = new float[count][];
        for (int start = 0; start < count; start += 256) {
            int n = Math.min(256, count - start);
            float[][] rows = student.embed(Arrays.copyOfRange(images, start * p, (start + n) * p), n);
            System.arraycopy(rows, 0, out, start, n);
        }
        return out;
    }

    private List<OfflineReport.Speed> speeds(byte[] fp32, byte[] int8, ImageSet images) {
        List<OfflineReport.Speed> out = new ArrayList<>();
        for (int batch : new int[] {1, 32}) {
            out.add(new OfflineReport.Speed(
                    "fp32", batch, InferenceSpeed.framesPerSecond(fp32, images, batch, config.speedSeconds())));
            out.add(new OfflineReport.Speed(
                    "int8", batch, InferenceSpeed.framesPerSecond(int8, images, batch, config.speedSeconds())));
        }
        return out;
    }
}
