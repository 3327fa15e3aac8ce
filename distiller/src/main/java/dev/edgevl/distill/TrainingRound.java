package dev.edgevl.distill;

import dev.edgevl.avro.Modality;
import dev.edgevl.model.onnx.Calibration;
import dev.edgevl.model.onnx.OnnxExporter;
import dev.edgevl.model.onnx.OnnxStudent;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.student.StudentFolding;
import dev.edgevl.model.student.StudentNetwork;
import dev.edgevl.model.student.StudentSpec;
import dev.edgevl.model.train.DistillConfig;
import dev.edgevl.model.train.DistillLoss;
import dev.edgevl.model.train.DistillationTrainer;
import dev.edgevl.model.train.LabelledPairBatch;
import dev.edgevl.model.train.PairBatch;
import dev.edgevl.model.train.PseudoLabels;
import dev.edgevl.model.train.QatConfig;
import dev.edgevl.model.train.QatTrainer;
import dev.edgevl.model.train.RunSeeds;
import dev.edgevl.model.train.Shuffle;
import dev.edgevl.model.train.Stage2Batches;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One EdgeVL round on its training pairs (the replay buffer's training slice and replayed anchor pairs): stage 1 (both
 * modalities regressed to the teacher's RGB embedding; from a version's weights when given one, with the batch norms'
 * running statistics frozen and the result interpolated back towards them) → fold and calibrate → pseudo-labels (the
 * teacher's most confident top-1s) → stage 2 (quantization-aware triplet training, kept only when not worse than the
 * calibrated student on pairs it did not train on) → a student ready for int8 export. Its inputs are frames and teacher
 * embeddings only; nothing here can see the simulator's ground truth.
 */
public final class TrainingRound {
    static final String STAGE_1 = "stage 1";
    static final String STAGE_2 = "stage 2";
    static final String CALIBRATION = "calibration";
    private static final int CALIBRATION_PAIRS = 128;
    /** Share of a round's training pairs kept out of stage 2 to check it against post-training int8. */
    static final double STAGE2_CHECK_SHARE = 0.2;
    /** Below this many checking pairs stage 2 trains on all and is kept unchecked. */
    static final int MIN_STAGE2_CHECK = 32;

    /**
     * What a round made.
     *
     * @param student the quantization-ready student with activation ranges
     * @param weights the stage-1 network's weights, for the next round to start from
     * @param metrics training figures (losses, sample counts, seconds), named plainly
     * @param ownGraphs quantization-ready students for the modalities that run a graph of their own: stage 1
     *     interpolated by {@code distill.stage1.new-modality-interpolation}, post-training int8; empty when none does
     * @param ownWeights the stage-1 weights behind each own graph trained alone, for a later round to continue from
     */
    public record Result(
            FoldedStudent student,
            byte[] weights,
            Map<String, Double> metrics,
            Map<Modality, FoldedStudent> ownGraphs,
            Map<Modality, byte[]> ownWeights) {
        public Result {
            ownGraphs = Map.copyOf(ownGraphs);
            ownWeights = Map.copyOf(ownWeights);
        }
    }

    private final RoundSettings settings;
    private final PairTensors tensors;
    private final RoundListener listener;

    TrainingRound(RoundSettings settings, PairTensors tensors, RoundListener listener) {
        this.settings = settings;
        this.tensors = tensors;
        this.listener = listener;
    }

    /**
     * @param train the samples to train on (the buffer's training slice and replayed anchor pairs)
     * @param selfTargets pairs of the modalities with own graphs whose targets are the live student's embeddings of
     *     their RGB frames ({@link SelfTargetPool}): the own graphs train on them; the shared graph too when own graphs
     *     are trained jointly
     * @param warmStart the stage-1 weights to start from (v0's or the live version's), or null to start fresh
     * @param seed this round's seed
     * @param newModalities modalities the anchor pairs do not cover: with a warm start, each gets a graph of its own
     *     that keeps more of the round's change (when the settings ask for more)
     * @param ownStarts for an own graph trained alone, the weights to start from instead of {@code warmStart} (the
     *     weights behind the live version's graph for that modality); a modality not in it starts from {@code warmStart}
     */
    Result run(
            List<ReplayBuffer.Sample> train,
            List<ReplayBuffer.Sample> selfTargets,
            LabelSet labels,
            byte[] warmStart,
            long seed,
            Set<Modality> newModalities,
            Map<Modality, byte[]> ownStarts) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("a round needs training samples");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train.samples", (double) train.size());
        metrics.put("train.warmStart", warmStart == null ? 0.0 : 1.0);

        long started = System.nanoTime();
        Set<Modality> ownModalities =
                warmStart != null && settings.ownGraphsForNewModalities() ? newModalities : Set.of();
        boolean alone = settings.ownGraphTraining() == RoundSettings.OwnGraphTraining.ALONE;
        List<ReplayBuffer.Sample> forOwnGraphs = new ArrayList<>(train);
        forOwnGraphs.addAll(selfTargets);
        Stage1 first =
                stage1(alone ? train : forOwnGraphs, forOwnGraphs, warmStart, ownStarts, seed, metrics, ownModalities);
        byte[] weights = first.weights();
        FoldedStudent folded = first.folded();
        metrics.put("stage1.seconds", seconds(started));

        FoldedStudent calibrated = calibrate(folded, train, seed);
        Map<Modality, FoldedStudent> own = new EnumMap<>(Modality.class);
        Map<Modality, byte[]> ownWeights = new EnumMap<>(Modality.class);
        first.ownGraphs().forEach((m, graph) -> {
            own.put(m, calibrateOn(graph.folded(), ofModality(forOwnGraphs, m), seed));
            if (graph.weights() != null) {
                ownWeights.put(m, graph.weights());
            }
        });
        if (!own.isEmpty()) {
            metrics.put("stage1.ownGraphs", (double) own.size());
            metrics.put("stage1.newModalityInterpolation", settings.newModalityInterpolation());
        }
        listener.progress(CALIBRATION, 1, 1);

        long stage2Started = System.nanoTime();
        FoldedStudent result = stage2(calibrated, train, labels, seed, metrics);
        metrics.put("stage2.seconds", seconds(stage2Started));
        return new Result(result, weights, metrics, own, ownWeights);
    }

    /**
     * @param ownGraphs the folded student for each modality with a graph of its own (stage 1 interpolated by the
     *     new-modality share, batch-norm statistics of that modality's images); empty when there is none
     */
    record Stage1(byte[] weights, FoldedStudent folded, Map<Modality, OwnGraph> ownGraphs) {}

    /**
     * One modality's own graph out of stage 1.
     *
     * @param weights the stage-1 weights it was folded from when it was trained alone (a later round may continue from
     *     them); null when it shares the round's one stage 1
     */
    record OwnGraph(FoldedStudent folded, byte[] weights) {}

    /** Stage 1 alone: the network's weights (to continue from) and its folded form (to quantize). */
    Stage1 stage1(List<ReplayBuffer.Sample> train, byte[] warmStart, long seed, Map<String, Double> metrics) {
        return stage1(train, train, warmStart, Map.of(), seed, metrics, Set.of());
    }

    /**
     * @param train what the round's one stage 1 trains on
     * @param forOwnGraphs where the own graphs' images (and, trained alone, their samples) come from
     */
    private Stage1 stage1(
            List<ReplayBuffer.Sample> train,
            List<ReplayBuffer.Sample> forOwnGraphs,
            byte[] warmStart,
            Map<Modality, byte[]> ownStarts,
            long seed,
            Map<String, Double> metrics,
            Set<Modality> ownModalities) {
        StudentSpec spec = settings.student(train.get(0).teacher().length);
        try (DistillationTrainer trainer = new DistillationTrainer(
                StudentNetwork.build(spec, warmStart != null),
                spec.inputSize(),
                stage1Config(train.size(), seed),
                warmStart)) {
            double lastEpochLoss = 0;
            Random random = new Random(RunSeeds.derive(seed, "stage1-shuffle"));
            int batch = Math.min(settings.batch(), train.size());
            int perEpoch = Math.max(1, train.size() / batch);
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                int[] order = Shuffle.permutation(train.size(), random);
                double loss = 0;
                for (int s = 0; s < perEpoch; s++) {
                    loss += trainer.step(tensors.batch(train, Arrays.copyOfRange(order, s * batch, (s + 1) * batch)));
                }
                lastEpochLoss = loss / perEpoch;
                listener.progress(STAGE_1, epoch + 1, settings.epochs());
            }
            metrics.put("stage1.loss", lastEpochLoss);
            Map<Modality, OwnGraph> own = new EnumMap<>(Modality.class);
            double kept = 1;
            if (!ownModalities.isEmpty() && settings.ownGraphTraining() == RoundSettings.OwnGraphTraining.ALONE) {
                for (Modality m : ownModalities) {
                    byte[] start = ownStarts.getOrDefault(m, warmStart);
                    metrics.put("stage1." + m.name() + ".fromLive", start == warmStart ? 0.0 : 1.0);
                    own.put(m, trainedAlone(m, ofModality(forOwnGraphs, m), start, spec, seed, metrics));
                }
            } else if (!ownModalities.isEmpty()) {
                // Interpolation composes: keeping a of the change, then b/a of what is left, keeps b of it.
                kept = settings.newModalityInterpolation();
                trainer.interpolateTowards(warmStart, (float) kept);
                byte[] newModalityWeights = trainer.weights();
                for (Modality m : ownModalities) {
                    own.put(
                            m,
                            new OwnGraph(
                                    withStatisticsOf(newModalityWeights, spec, ofModality(forOwnGraphs, m), seed),
                                    null));
                }
            }
            if (warmStart != null && settings.interpolation() < kept) {
                trainer.interpolateTowards(warmStart, (float) (settings.interpolation() / kept));
                metrics.put("stage1.interpolation", settings.interpolation());
            }
            return new Stage1(
                    trainer.weights(), StudentFolding.fold(trainer.model().getBlock(), spec), own);
        }
    }

    /**
     * A modality's own graph by a stage 1 of its own: from {@code warmStart} (the round's starting weights, or those behind the live own graph), on that modality's images
     * alone (each regressed to its sample's target), batch norms learning its statistics as they train, which are then
     * re-estimated under the final weights; interpolated towards the start by the new-modality share.
     */
    private OwnGraph trainedAlone(
            Modality modality,
            List<ReplayBuffer.Sample> samples,
            byte[] warmStart,
            StudentSpec spec,
            long seed,
            Map<String, Double> metrics) {
        int batch = Math.min(settings.batch(), samples.size());
        byte[] weights;
        try (DistillationTrainer trainer = new DistillationTrainer(
                StudentNetwork.build(spec, false),
                spec.inputSize(),
                stage1Config(samples.size(), RunSeeds.derive(seed, modality.name())),
                warmStart)) {
            Random random = new Random(RunSeeds.derive(seed, "stage1-shuffle-" + modality));
            int perEpoch = Math.max(1, samples.size() / batch);
            double lastEpochLoss = 0;
            for (int epoch = 0; epoch < settings.ownGraphEpochs(); epoch++) {
                int[] order = Shuffle.permutation(samples.size(), random);
                double loss = 0;
                for (int s = 0; s < perEpoch; s++) {
                    List<ReplayBuffer.Sample> picked = new ArrayList<>(batch);
                    for (int i = s * batch; i < (s + 1) * batch; i++) {
                        picked.add(samples.get(order[i]));
                    }
                    float[][] targets =
                            picked.stream().map(ReplayBuffer.Sample::teacher).toArray(float[][]::new);
                    loss += trainer.step(tensors.images(picked, 0, batch, true), targets, spec.inputSize());
                }
                lastEpochLoss = loss / perEpoch;
                listener.progress(
                        STAGE_1 + " " + modality.name().toLowerCase(Locale.ROOT), epoch + 1, settings.ownGraphEpochs());
            }
            metrics.put("stage1." + modality.name() + ".samples", (double) samples.size());
            metrics.put("stage1." + modality.name() + ".loss", lastEpochLoss);
            trainer.interpolateTowards(warmStart, (float) settings.newModalityInterpolation());
            weights = trainer.weights();
        }
        return new OwnGraph(withStatisticsOf(weights, spec, samples, seed), weights);
    }

    /** Images a modality's own graph re-estimates its batch-norm statistics on, at most. */
    static final int STATISTICS_IMAGES = 512;
    /** Batches of statistics passes: at DJL's momentum 0.9, what the shared statistics leave behind is under 2%. */
    private static final int STATISTICS_BATCHES = 40;

    /**
     * The folded form of {@code weights} with every batch norm's statistics re-estimated on one modality's images
     * (AdaBN): the shared statistics are depth's and RGB's, and a graph that serves thermal alone should normalise
     * thermal images by theirs. Too few images to fill a batch leave the shared statistics.
     */
    private FoldedStudent withStatisticsOf(
            byte[] weights, StudentSpec spec, List<ReplayBuffer.Sample> images, long seed) {
        int batch = Math.min(settings.batch(), images.size());
        try (DistillationTrainer trainer = new DistillationTrainer(
                StudentNetwork.build(spec, images.size() < settings.batch()),
                spec.inputSize(),
                stage1Config(1, seed),
                weights)) {
            if (images.size() >= settings.batch()) {
                int n = Math.min(STATISTICS_IMAGES, images.size());
                Random random = new Random(RunSeeds.derive(seed, "statistics"));
                int passes = Math.max(1, (STATISTICS_BATCHES * batch + n - 1) / n);
                for (int p = 0; p < passes; p++) {
                    List<ReplayBuffer.Sample> picked = randomSubset(images, n, random);
                    trainer.adaptStatistics(tensors.images(picked, 0, n, true), n, spec.inputSize(), batch);
                }
            }
            return StudentFolding.fold(trainer.model().getBlock(), spec);
        }
    }

    /** The samples whose non-RGB frame is of this modality. */
    private static List<ReplayBuffer.Sample> ofModality(List<ReplayBuffer.Sample> samples, Modality modality) {
        List<ReplayBuffer.Sample> out = new ArrayList<>();
        for (ReplayBuffer.Sample s : samples) {
            if (s.record().getPair().getAux().getModality() == modality) {
                out.add(s);
            }
        }
        return out;
    }

    /** Activation ranges from these samples' non-RGB images alone: a graph of one modality's own sees nothing else. */
    private FoldedStudent calibrateOn(FoldedStudent folded, List<ReplayBuffer.Sample> samples, long seed) {
        int n = Math.min(CALIBRATION_PAIRS, samples.size());
        List<ReplayBuffer.Sample> picked = randomSubset(samples, n, new Random(RunSeeds.derive(seed, "calibration")));
        return Calibration.calibrate(folded, tensors.images(picked, 0, n, true), n);
    }

    /** The first {@code n} of a random permutation of the samples. */
    private static List<ReplayBuffer.Sample> randomSubset(List<ReplayBuffer.Sample> samples, int n, Random random) {
        int[] order = Shuffle.permutation(samples.size(), random);
        List<ReplayBuffer.Sample> picked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            picked.add(samples.get(order[i]));
        }
        return picked;
    }

    private DistillConfig stage1Config(int samples, long seed) {
        int steps = settings.epochs() * Math.max(1, samples / Math.min(settings.batch(), samples));
        float lr = (float) settings.learningRate();
        return new DistillConfig(
                lr, lr / 100, 0.05f, steps, DistillLoss.L1, (int) RunSeeds.derive(seed, "student-init"));
    }

    /**
     * The folded form of stage-1 weights made elsewhere (the shipped initial student), ready to be calibrated.
     *
     * @throws IllegalArgumentException when the weights do not fit the configured student
     */
    FoldedStudent fold(byte[] weights, int embeddingDim) {
        StudentSpec spec = settings.student(embeddingDim);
        try (DistillationTrainer trainer =
                new DistillationTrainer(StudentNetwork.build(spec), spec.inputSize(), stage1Config(1, 0), weights)) {
            return StudentFolding.fold(trainer.model().getBlock(), spec);
        }
    }

    /** Activation ranges from RGB and non-RGB images alike, as the deployed student sees both. */
    FoldedStudent calibrate(FoldedStudent folded, List<ReplayBuffer.Sample> train, long seed) {
        int n = Math.min(CALIBRATION_PAIRS, train.size());
        int[] idx =
                Arrays.copyOf(Shuffle.permutation(train.size(), new Random(RunSeeds.derive(seed, "calibration"))), n);
        PairBatch pairs = tensors.batch(train, idx);
        float[] both = Arrays.copyOf(pairs.rgb(), pairs.rgb().length + pairs.aux().length);
        System.arraycopy(pairs.aux(), 0, both, pairs.rgb().length, pairs.aux().length);
        return Calibration.calibrate(folded, both, 2 * n);
    }

    /**
     * Stage 2 needs steps, two labels and pairs of at least two pseudo-labels; without them the calibrated student is
     * exported as is. A share of the training pairs (by a hash of each pair) is kept out of stage 2 to check it: the
     * quantization-aware student is kept only when it agrees with the teacher on them at least as often as the
     * calibrated one (post-training int8) does, so stage 2 can only help (Ekya keeps the best epoch the same way).
     */
    private FoldedStudent stage2(
            FoldedStudent calibrated,
            List<ReplayBuffer.Sample> all,
            LabelSet labels,
            long seed,
            Map<String, Double> metrics) {
        if (settings.qatSteps() == 0 || labels.size() < 2) {
            metrics.put("stage2.samples", 0.0);
            return calibrated;
        }
        List<ReplayBuffer.Sample> train = new ArrayList<>();
        List<ReplayBuffer.Sample> check = new ArrayList<>();
        for (ReplayBuffer.Sample s : all) {
            (ReplayBuffer.unit(s.id(), "stage2-check") < STAGE2_CHECK_SHARE ? check : train).add(s);
        }
        if (check.size() < MIN_STAGE2_CHECK) {
            train = all;
            check = List.of();
        }
        float[][] teacher = new float[train.size()][];
        for (int i = 0; i < teacher.length; i++) {
            teacher[i] = train.get(i).teacher();
        }
        List<PseudoLabels.Pick> picks = PseudoLabels.select(
                teacher, labels, settings.pseudoLabelFraction(), ZeroShotClassifier.DEFAULT_TEMPERATURE);
        metrics.put("stage2.samples", (double) picks.size());
        if (picks.stream().mapToInt(PseudoLabels.Pick::label).distinct().count() < 2 || picks.size() < 4) {
            return calibrated;
        }
        QatConfig config = QatConfig.defaults(settings.qatSteps(), (int) RunSeeds.derive(seed, "qat-init"))
                .withLearningRate((float) settings.stage2LearningRate());
        Stage2Batches batches = new Stage2Batches(
                picks, train.size(), settings.batch(), new Random(RunSeeds.derive(seed, "stage2-shuffle")));
        FoldedStudent trained;
        try (QatTrainer trainer = new QatTrainer(calibrated, config)) {
            float loss = 0;
            for (int s = 0; s < settings.qatSteps(); s++) {
                Stage2Batches.Batch b = batches.next();
                loss = trainer.step(new LabelledPairBatch(tensors.batch(train, b.samples()), b.pseudoLabels()));
                listener.progress(STAGE_2, s + 1, settings.qatSteps());
            }
            metrics.put("stage2.loss", (double) loss);
            trained = trainer.result();
        }
        if (check.isEmpty()) {
            return trained;
        }
        double ptq = agreement(calibrated, check, labels);
        double qat = agreement(trained, check, labels);
        metrics.put("stage2.check.pairs", (double) check.size());
        metrics.put("stage2.check.postTraining", ptq);
        metrics.put("stage2.check.quantizationAware", qat);
        metrics.put("stage2.kept", qat >= ptq ? 1.0 : 0.0);
        return qat >= ptq ? trained : calibrated;
    }

    /** Non-RGB agreement with the teacher of a student's int8 export. */
    private double agreement(FoldedStudent student, List<ReplayBuffer.Sample> samples, LabelSet labels) {
        float[][] teacher = samples.stream().map(ReplayBuffer.Sample::teacher).toArray(float[][]::new);
        try (OnnxStudent onnx = new OnnxStudent(OnnxExporter.exportInt8(student))) {
            return Gate.agreement(
                    Distiller.embed(
                            (modalities, images) -> onnx.embed(images, modalities.length), tensors, samples, true),
                    teacher,
                    labels);
        }
    }

    private static double seconds(long startedNanos) {
        return Math.round((System.nanoTime() - startedNanos) / 1e7) / 100.0;
    }
}
