package dev.edgevl.distill;

import dev.edgevl.config.ConfigException;
import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.Settings;
import dev.edgevl.model.student.StudentSpec;
import dev.edgevl.model.train.PseudoLabels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The distiller's settings ({@code distill.*}), read once from {@link Settings} and checked on construction, so a bad
 * value is named before anything starts.
 *
 * @param family the model family the distiller trains and publishes (the {@code models} record key)
 * @param storeDir the content-addressed model store, the version catalogue and the training checkpoints
 * @param signingKey the Ed25519 private key (PKCS#8 PEM) that signs bundles; null when none is configured
 * @param signingPublicKey its public key (PEM); null to look in the private key's file or beside it
 * @param delivery whether a {@code models} record carries the bundle inline or points into the store
 * @param buffer replay buffer sizes and the share of samples kept aside for the gate
 * @param trigger when a retraining round starts
 * @param round what one round trains
 * @param gate how a candidate is judged against the live version and version 0 ({@link Gate})
 * @param logInterval how often the distiller logs its buffer and rounds
 * @param initialWeights where the first round starts from when there is no live version ({@link InitialWeights})
 * @param anchorShare share of every stage-1 epoch made of replayed anchor pairs ({@link AnchorPairs})
 * @param backstop the collapse backstop ({@link Backstop})
 * @param rollout how a promoted version reaches the fleet ({@link Rollout})
 * @param selfTargets cross-modal self-distillation for modalities version 0 never learnt ({@link SelfTargets})
 * @param minRgbBrightness pairs whose RGB frame's mean level (0..1) is below this are not learnt from: the teacher only
 *     sees RGB, and its embedding of a dark frame is no target (0 keeps them all)
 */
public record DistillerConfig(
        String family,
        Path storeDir,
        Path signingKey,
        Path signingPublicKey,
        Delivery delivery,
        BufferSizes buffer,
        RetrainTrigger trigger,
        RoundSettings round,
        Gate gate,
        Duration logInterval,
        String initialWeights,
        double minRgbBrightness,
        StartFrom startFrom,
        double anchorShare,
        Backstop backstop,
        Rollout rollout,
        SelfTargets selfTargets) {

    /**
     * Cross-modal self-distillation ({@link SelfTargetPool}): a share of every stream pair of a modality the anchor
     * pairs do not cover is kept, and each round trains that modality's own graph on them too, with the live student's
     * embedding of the pair's RGB frame as the target.
     *
     * @param sampleRate share of such pairs kept (by a hash of the pair)
     * @param capacity pairs kept per modality, the newest; 0 turns it off
     * @param confidentShare share of the kept pairs a round trains on, those whose RGB frame the live student labels
     *     most confidently first (EdgeVL's τ applied to the student's own labels)
     * @param companions whether a kept pair's target may also come from the student's embedding of the frame of a
     *     modality it was distilled on (depth) that was paired with the same RGB frame, when that is shown to agree with
     *     the teacher more often
     */
    public record SelfTargets(double sampleRate, int capacity, double confidentShare, boolean companions) {
        public boolean enabled() {
            return capacity > 0 && sampleRate > 0;
        }
    }

    /**
     * The staged rollout: a promoted version goes first to at most {@code share} of the known devices (chosen by a
     * stable hash of their ids); the distiller judges it there, on the teacher pairs those devices route, against the
     * fleet-wide version on the same pairs; after {@code watch} with at least {@code minPairs} it goes fleet-wide,
     * unless it agrees with the teacher less often than the fleet-wide version (the paired test at the gate's level),
     * which rolls it back at once. After {@code maxWatch} without enough pairs it goes fleet-wide on the gate's verdict
     * alone, and says so.
     *
     * @param share the canary's largest share of devices; 0 publishes fleet-wide at once
     */
    public record Rollout(double share, Duration watch, Duration maxWatch, int minPairs) {
        public boolean enabled() {
            return share > 0;
        }
    }

    /**
     * The collapse backstop: every {@code interval}, on the newest pairs the live version never trained on, whether it
     * agrees with the teacher less often than version 0 (the paired test at the gate's level); after {@code strikes}
     * such checks in a row the distiller rolls back to the last version that is not worse than v0 on those pairs.
     *
     * @param interval how often; zero turns the backstop off
     * @param minPairs new pairs a check needs
     * @param strikes consecutive "worse than v0" checks that roll back
     */
    public record Backstop(Duration interval, int minPairs, int strikes) {
        public boolean enabled() {
            return !interval.isZero();
        }
    }

    /** What a round's stage 1 starts from. */
    public enum StartFrom {
        /** The live version's weights: each round continues the last promoted one. */
        LIVE,
        /** Version 0's weights, the shipped student, every round: what a round learns is never built on a drifted one. */
        ANCHOR
    }

    /** How consumers get a bundle: inside the {@code models} record, or by URI from the store. */
    public enum Delivery {
        INLINE,
        URI
    }

    /**
     * @param capacity training samples the buffer holds, shared equally among the teacher's pseudo-labels
     * @param heldOutCapacity held-out samples it holds, shared the same way
     * @param heldOutFraction share of incoming samples set aside for the gate, chosen by a hash of the pair's identity
     */
    public record BufferSizes(int capacity, int heldOutCapacity, double heldOutFraction) {}

    public static final ConfigOption<String> FAMILY = ConfigOption.string(
            "distill.family",
            "student",
            "Model family the distiller trains and publishes (the key of its models records).");
    public static final ConfigOption<String> STORE_DIR = ConfigOption.string(
            "distill.store.dir",
            Path.of(System.getProperty("user.home"), ".edgevl", "models").toString(),
            "Directory of the model store: bundles by SHA-256, the version catalogue and training checkpoints.");
    public static final ConfigOption<String> SIGNING_KEY = ConfigOption.string(
            "distill.signing-key",
            null,
            "Ed25519 private key (PKCS#8 PEM file) that signs published bundles. Give consumers its public key.");
    public static final ConfigOption<String> SIGNING_PUBLIC_KEY = ConfigOption.string(
            "distill.signing-public-key",
            null,
            "The signing key's public half (PEM), which names the key; default: a PUBLIC KEY block in the signing-key file, or <name>.pub.pem beside it.");
    public static final ConfigOption<Delivery> DELIVERY = ConfigOption.enumeration(
            "distill.delivery",
            Delivery.class,
            Delivery.INLINE,
            "inline: the bundle travels in the models record; uri: the record points at the store (consumers must reach it).");
    public static final ConfigOption<Integer> BUFFER_CAPACITY = ConfigOption.integer(
            "distill.buffer.capacity",
            2048,
            "Training samples the replay buffer holds, shared equally among the teacher's pseudo-labels.");
    public static final ConfigOption<Integer> HELD_OUT_CAPACITY = ConfigOption.integer(
            "distill.buffer.held-out.capacity",
            512,
            "Held-out samples (never trained on) the buffer keeps for the gate.");
    public static final ConfigOption<Double> HELD_OUT_FRACTION = ConfigOption.decimal(
            "distill.buffer.held-out.fraction",
            0.15,
            "Share of teacher samples set aside for the gate, chosen by a hash of the pair, so a rebuild picks the same ones.");
    public static final ConfigOption<Integer> TRIGGER_SAMPLES = ConfigOption.integer(
            "distill.trigger.samples",
            512,
            "A round starts once this many new training samples have arrived since the last one.");
    public static final ConfigOption<Duration> TRIGGER_INTERVAL = ConfigOption.duration(
            "distill.trigger.interval",
            Duration.ofMinutes(10),
            "A round also starts when this long has passed since the last one and new samples arrived.");
    public static final ConfigOption<Integer> TRIGGER_MIN_SAMPLES = ConfigOption.integer(
            "distill.trigger.min-samples", 128, "No round starts with fewer training samples than this in the buffer.");
    public static final ConfigOption<Integer> EPOCHS = ConfigOption.integer(
            "distill.stage1.epochs",
            4,
            "Stage 1 (dual-modality distillation): passes over the buffer's training samples per round.");
    public static final ConfigOption<Double> LEARNING_RATE = ConfigOption.decimal(
            "distill.stage1.learning-rate",
            2e-3,
            "Stage 1's peak learning rate (it decays to a hundredth of it over the round).");
    public static final ConfigOption<Double> INTERPOLATION = ConfigOption.decimal(
            "distill.stage1.interpolation",
            0.3,
            "Share of its own change of the weights a round keeps when it starts from a version's weights: stage 1 ends at"
                    + " start + share × (trained − start), a weight-space interpolation that keeps much of what the"
                    + " round gained and gives back much of what it cost. 1 keeps all of it.");
    public static final ConfigOption<Double> NEW_MODALITY_INTERPOLATION = ConfigOption.decimal(
            "distill.stage1.new-modality-interpolation",
            1.0,
            "The same share for a modality the anchor pairs do not cover (one version 0 never learnt, e.g. thermal): its"
                    + " images get a graph of their own in the bundle, interpolated by this share, because there is"
                    + " nothing known to protect there; the other modalities keep distill.stage1.interpolation. At or"
                    + " below that share every modality runs one graph.");
    public static final ConfigOption<RoundSettings.OwnGraphTraining> OWN_GRAPH_TRAINING = ConfigOption.enumeration(
            "distill.stage1.own-graph-training",
            RoundSettings.OwnGraphTraining.class,
            RoundSettings.OwnGraphTraining.ALONE,
            "How a round trains the graph of a modality of its own: alone (a stage 1 of its own on that modality's images"
                    + " only, from the round's starting weights, batch norms learning that modality's statistics) or"
                    + " joint (the round's one stage 1 on every modality, statistics re-estimated afterwards).");
    public static final ConfigOption<Integer> OWN_GRAPH_EPOCHS = ConfigOption.integer(
            "distill.stage1.own-graph-epochs",
            0,
            "Passes over its modality's samples (teacher pairs and self-targets) that an own graph trained alone makes per"
                    + " round; 0: as many as distill.stage1.epochs.");
    public static final ConfigOption<RoundSettings.OwnGraphStart> OWN_GRAPH_START = ConfigOption.enumeration(
            "distill.stage1.own-graph-start",
            RoundSettings.OwnGraphStart.class,
            RoundSettings.OwnGraphStart.LIVE,
            "What an own graph trained alone starts each round from: live (the weights behind the live version's graph for"
                    + " that modality, when it has one, so what earlier rounds taught it is kept and built on; the gate"
                    + " still ships it only when shown better than the live one) or anchor (the round's starting weights,"
                    + " every round).");
    public static final ConfigOption<Integer> QAT_STEPS = ConfigOption.integer(
            "distill.stage2.steps",
            120,
            "Stage 2 (quantization-aware contrastive): steps per round; 0 skips stage 2 and exports by post-training int8 quantization.");
    public static final ConfigOption<Double> STAGE2_LEARNING_RATE = ConfigOption.decimal(
            "distill.stage2.learning-rate",
            1e-4,
            "Stage 2's peak learning rate (it decays to a hundredth of it over the round's steps). Rounds fine-tune a"
                    + " student that is already good: at 5e-4 a round's stage 2 cost the shipped student 4-5 points of"
                    + " agreement on the anchor pairs, at 1e-4 about 1.");
    public static final ConfigOption<Integer> BATCH =
            ConfigOption.integer("distill.batch", 32, "Pairs per training step.");
    public static final ConfigOption<Double> PSEUDO_LABEL_FRACTION = ConfigOption.decimal(
            "distill.pseudo-label.fraction",
            PseudoLabels.DEFAULT_FRACTION,
            "Share of samples, most confident teacher pseudo-labels first, that stage 2 trains on (EdgeVL's τ).");
    public static final ConfigOption<Long> SEED = ConfigOption.longInteger(
            "distill.seed",
            1L,
            "Seeds initialization and shuffling; each round derives its own seed from it and the version number.");
    public static final ConfigOption<Integer> INPUT_SIZE =
            ConfigOption.integer("distill.student.input-size", 64, "Width and height of the student's input images.");
    public static final ConfigOption<Integer> STEM =
            ConfigOption.integer("distill.student.stem", 16, "Channels of the student's stem convolution.");
    public static final ConfigOption<String> BLOCKS = ConfigOption.string(
            "distill.student.blocks",
            StudentSpec.compact(64, 128).blocksText(),
            "The student's depthwise-separable blocks as channels/stride pairs.");
    public static final ConfigOption<Double> GATE_MARGIN = ConfigOption.decimal(
            "distill.gate.margin",
            0.03,
            "How much lower (a share) a candidate's non-RGB agreement with the teacher may be than the live version's and"
                    + " version 0's and still count as not worse; a paired test must show it is not worse by more.");
    public static final ConfigOption<Double> GATE_ALPHA = ConfigOption.decimal(
            "distill.gate.alpha",
            0.1,
            "Level of the gate's paired tests (not worse by the margin overall; not shown worse in any modality).");
    public static final ConfigOption<Integer> GATE_MIN_PAIRS = ConfigOption.integer(
            "distill.gate.min-pairs",
            200,
            "Pairs (anchor pairs and held-out stream pairs) the gate needs to judge at all; below it the live version"
                    + " stays. About what a candidate as good as the live one needs to pass at the default margin.");
    public static final ConfigOption<Integer> GATE_MIN_PER_MODALITY = ConfigOption.integer(
            "distill.gate.min-per-modality",
            50,
            "Pairs a modality (or the anchor pairs) needs for its own test; smaller groups are reported, not tested.");
    public static final ConfigOption<Duration> BACKSTOP_INTERVAL = ConfigOption.duration(
            "distill.backstop.interval",
            Duration.ofMinutes(2),
            "How often the distiller checks, on the newest teacher pairs the live version never trained on, that it does not"
                    + " agree with the teacher less often than version 0; 0 turns the collapse backstop off.");
    public static final ConfigOption<Integer> BACKSTOP_MIN_PAIRS = ConfigOption.integer(
            "distill.backstop.min-pairs",
            150,
            "New pairs a backstop check needs (it judges on at most the newest 400).");
    public static final ConfigOption<Integer> BACKSTOP_STRIKES = ConfigOption.integer(
            "distill.backstop.strikes",
            2,
            "Consecutive checks that find the live version worse than version 0 before the distiller rolls back to the last"
                    + " version that is not.");
    public static final ConfigOption<Double> ROLLOUT_SHARE = ConfigOption.decimal(
            "distill.rollout.canary-share",
            0.25,
            "Largest share of the known devices (and of the stream job's device keys) a promoted version goes to first, chosen"
                    + " by a stable hash of their ids; it goes fleet-wide after distill.rollout.watch if it holds up"
                    + " there and is rolled back if not. 0: promoted versions go fleet-wide at once.");
    public static final ConfigOption<Duration> ROLLOUT_WATCH = ConfigOption.duration(
            "distill.rollout.watch",
            Duration.ofMinutes(2),
            "How long a canary runs before it can go fleet-wide (it also needs distill.rollout.min-pairs routed pairs from"
                    + " its devices); a canary found worse is rolled back as soon as the test shows it.");
    public static final ConfigOption<Duration> ROLLOUT_MAX_WATCH = ConfigOption.duration(
            "distill.rollout.max-watch",
            Duration.ofMinutes(6),
            "After this long a canary whose devices sent too few pairs to judge goes fleet-wide on the gate's verdict"
                    + " alone (the record and a log line say so).");
    public static final ConfigOption<Integer> ROLLOUT_MIN_PAIRS = ConfigOption.integer(
            "distill.rollout.min-pairs",
            60,
            "Teacher pairs from the canary's devices, routed after it started, that a canary needs before it can go"
                    + " fleet-wide.");
    public static final ConfigOption<Double> ANCHOR_SHARE = ConfigOption.decimal(
            "distill.round.anchor-share",
            0.25,
            "Share of every stage-1 epoch made of the anchor pairs shipped with the initial student, replayed so a round"
                    + " keeps what the shipped student knew; 0 trains on the stream's pairs only.");
    public static final ConfigOption<Integer> MIN_PER_LABEL = ConfigOption.integer(
            "distill.round.min-per-label",
            16,
            "Training samples every teacher pseudo-label in a round's slice gets at least: a label with fewer (a shape"
                    + " that has just appeared) has its own repeated up to it. 0 adds none.");
    public static final ConfigOption<Integer> MIN_PER_MODALITY = ConfigOption.integer(
            "distill.round.min-per-modality",
            64,
            "Training samples every non-RGB modality in a round's slice gets at least: a modality with fewer (one few"
                    + " devices carry) has its own repeated up to it. 0 adds none.");
    public static final ConfigOption<Double> SKIP_AGREEMENT = ConfigOption.decimal(
            "distill.trigger.skip-agreement",
            0.9,
            "A due round is skipped when the live version already agrees with the teacher on more than this share of"
                    + " the new pairs (at least 32) it would learn from: nothing new to learn. 1 never skips.");
    public static final ConfigOption<Duration> LOG_INTERVAL = ConfigOption.duration(
            "distill.log-interval", Duration.ofSeconds(30), "How often the distiller logs its buffer.");

    public static final ConfigOption<String> INITIAL_WEIGHTS = ConfigOption.string(
            "distill.initial-weights",
            InitialWeights.BUILTIN,
            "What the first round starts from without a live version: builtin (the offline-distilled student that ships, when it fits the"
                    + " student and the teacher), none (fresh weights), or a directory written by 'edgevl distill bootstrap'.");

    public static final ConfigOption<StartFrom> START_FROM = ConfigOption.enumeration(
            "distill.round.start-from",
            StartFrom.class,
            StartFrom.ANCHOR,
            "What each round's stage 1 starts from: anchor (version 0's weights, the shipped student, every round, so no"
                    + " round builds on a drifted one; the live version's when there is no v0) or live (the live version's"
                    + " weights: each round continues the last).");

    public static final ConfigOption<Double> MIN_RGB_BRIGHTNESS = ConfigOption.decimal(
            "distill.rgb.min-brightness",
            0.3,
            "Pairs whose RGB frame's mean level (0..1) is below this are not learnt from: the teacher sees only RGB, and its embedding of a"
                    + " dark frame (night, a covered lens) is no target. 0 keeps every pair.");

    public static final ConfigOption<Double> SELF_TARGET_RATE = ConfigOption.decimal(
            "distill.self-targets.sample-rate",
            0.25,
            "Share of the stream's pairs of a modality the anchor pairs do not cover (thermal) that the distiller keeps,"
                    + " routed to the teacher or not, to train that modality's own graph on with the live student's"
                    + " embedding of the pair's RGB frame as the target (cross-modal self-distillation).");
    public static final ConfigOption<Integer> SELF_TARGET_CAPACITY = ConfigOption.integer(
            "distill.self-targets.capacity",
            4096,
            "Such pairs kept per modality, the newest (4,096 pairs of 64x64 RGB and thermal frames hold about 80 MB);"
                    + " 0 turns cross-modal self-distillation off (the distiller then does not read frames.paired).");

    public static final ConfigOption<Double> SELF_TARGET_CONFIDENT_SHARE = ConfigOption.decimal(
            "distill.self-targets.confident-share",
            1.0,
            "Share of those pairs a round trains on: the ones whose RGB frame the live student labels most confidently"
                    + " (its zero-shot probability over the live labels) first. 1 trains on all.");

    public static final ConfigOption<Boolean> SELF_TARGET_COMPANIONS = ConfigOption.bool(
            "distill.self-targets.companions",
            true,
            "Where the device also streams a modality the student was distilled on (depth) and frame sync paired that frame"
                    + " with the same RGB frame, a kept pair's target is made from the live student's embeddings of both"
                    + " (their mean, or the other frame's alone) when, on the buffer's teacher pairs of that modality,"
                    + " that agrees with the teacher more often than the RGB embedding alone. false: the RGB frame's alone.");

    public static final List<ConfigOption<?>> OPTIONS = List.of(
            FAMILY,
            STORE_DIR,
            SIGNING_KEY,
            SIGNING_PUBLIC_KEY,
            DELIVERY,
            BUFFER_CAPACITY,
            HELD_OUT_CAPACITY,
            HELD_OUT_FRACTION,
            TRIGGER_SAMPLES,
            TRIGGER_INTERVAL,
            TRIGGER_MIN_SAMPLES,
            EPOCHS,
            LEARNING_RATE,
            INTERPOLATION,
            NEW_MODALITY_INTERPOLATION,
            OWN_GRAPH_TRAINING,
            OWN_GRAPH_EPOCHS,
            OWN_GRAPH_START,
            QAT_STEPS,
            STAGE2_LEARNING_RATE,
            BATCH,
            PSEUDO_LABEL_FRACTION,
            SEED,
            INPUT_SIZE,
            STEM,
            BLOCKS,
            GATE_MARGIN,
            GATE_ALPHA,
            GATE_MIN_PAIRS,
            GATE_MIN_PER_MODALITY,
            LOG_INTERVAL,
            INITIAL_WEIGHTS,
            MIN_RGB_BRIGHTNESS,
            START_FROM,
            ANCHOR_SHARE,
            MIN_PER_LABEL,
            MIN_PER_MODALITY,
            SKIP_AGREEMENT,
            BACKSTOP_INTERVAL,
            BACKSTOP_MIN_PAIRS,
            BACKSTOP_STRIKES,
            ROLLOUT_SHARE,
            ROLLOUT_WATCH,
            ROLLOUT_MAX_WATCH,
            ROLLOUT_MIN_PAIRS,
            SELF_TARGET_RATE,
            SELF_TARGET_CAPACITY,
            SELF_TARGET_CONFIDENT_SHARE,
            SELF_TARGET_COMPANIONS);

    public DistillerConfig {
        FAMILY.check(family != null && !family.isBlank(), "must not be blank");
        STORE_DIR.check(storeDir != null, "must be set");
        BUFFER_CAPACITY.check(buffer.capacity() >= 1, "must be at least 1");
        HELD_OUT_CAPACITY.check(buffer.heldOutCapacity() >= 1, "must be at least 1");
        HELD_OUT_FRACTION.check(
                buffer.heldOutFraction() > 0 && buffer.heldOutFraction() < 1, "must be between 0 and 1, exclusive");
        ANCHOR_SHARE.check(anchorShare >= 0 && anchorShare < 1, "must be at least 0 and below 1");
        MIN_RGB_BRIGHTNESS.check(minRgbBrightness >= 0 && minRgbBrightness < 1, "must be at least 0 and below 1");
        LOG_INTERVAL.check(
                logInterval != null && !logInterval.isNegative() && !logInterval.isZero(), "must be positive");
    }

    public static DistillerConfig from(Settings settings) {
        String key = settings.get(SIGNING_KEY);
        String publicKey = settings.get(SIGNING_PUBLIC_KEY);
        List<StudentSpec.Block> blocks;
        try {
            blocks = StudentSpec.parseBlocks(settings.get(BLOCKS));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid value for " + BLOCKS.key() + ": " + e.getMessage(), e);
        }
        int inputSize = settings.get(INPUT_SIZE);
        int stem = settings.get(STEM);
        INPUT_SIZE.check(inputSize >= 16, "must be at least 16");
        STEM.check(stem >= 1, "must be at least 1");
        int samples = settings.get(TRIGGER_SAMPLES);
        int minSamples = settings.get(TRIGGER_MIN_SAMPLES);
        TRIGGER_SAMPLES.check(samples >= 1, "must be at least 1");
        TRIGGER_MIN_SAMPLES.check(minSamples >= 1, "must be at least 1");
        Duration interval = settings.get(TRIGGER_INTERVAL);
        TRIGGER_INTERVAL.check(interval != null && !interval.isNegative() && !interval.isZero(), "must be positive");
        int epochs = settings.get(EPOCHS);
        int steps = settings.get(QAT_STEPS);
        int batch = settings.get(BATCH);
        double fraction = settings.get(PSEUDO_LABEL_FRACTION);
        EPOCHS.check(epochs >= 1, "must be at least 1");
        int ownGraphEpochs = settings.get(OWN_GRAPH_EPOCHS);
        OWN_GRAPH_EPOCHS.check(ownGraphEpochs >= 0, "must not be negative");
        double learningRate = settings.get(LEARNING_RATE);
        LEARNING_RATE.check(learningRate > 0 && learningRate < 1, "must be between 0 and 1, exclusive");
        double interpolation = settings.get(INTERPOLATION);
        INTERPOLATION.check(interpolation >= 0 && interpolation <= 1, "must be between 0 and 1");
        double newModalityInterpolation = settings.get(NEW_MODALITY_INTERPOLATION);
        NEW_MODALITY_INTERPOLATION.check(
                newModalityInterpolation >= 0 && newModalityInterpolation <= 1, "must be between 0 and 1");
        int minPerLabel = settings.get(MIN_PER_LABEL);
        int minPerModality = settings.get(MIN_PER_MODALITY);
        MIN_PER_LABEL.check(minPerLabel >= 0, "must not be negative");
        MIN_PER_MODALITY.check(minPerModality >= 0, "must not be negative");
        double skipAgreement = settings.get(SKIP_AGREEMENT);
        SKIP_AGREEMENT.check(skipAgreement >= 0 && skipAgreement <= 1, "must be between 0 and 1");
        double stage2Rate = settings.get(STAGE2_LEARNING_RATE);
        STAGE2_LEARNING_RATE.check(stage2Rate > 0 && stage2Rate < 1, "must be between 0 and 1, exclusive");
        QAT_STEPS.check(steps >= 0, "must not be negative (0 skips stage 2 and exports by post-training quantization)");
        BATCH.check(batch >= 4, "must be at least 4");
        PSEUDO_LABEL_FRACTION.check(fraction > 0 && fraction <= 1, "must be above 0 and at most 1");
        return new DistillerConfig(
                settings.get(FAMILY),
                Path.of(settings.get(STORE_DIR)),
                path(key),
                path(publicKey),
                settings.get(DELIVERY),
                new BufferSizes(
                        settings.get(BUFFER_CAPACITY),
                        settings.get(HELD_OUT_CAPACITY),
                        settings.get(HELD_OUT_FRACTION)),
                new RetrainTrigger(samples, interval, minSamples, skipAgreement),
                new RoundSettings(
                        inputSize,
                        stem,
                        blocks,
                        epochs,
                        batch,
                        steps,
                        fraction,
                        settings.get(SEED),
                        learningRate,
                        interpolation,
                        stage2Rate,
                        newModalityInterpolation,
                        minPerLabel,
                        minPerModality,
                        settings.get(OWN_GRAPH_TRAINING),
                        ownGraphEpochs == 0 ? epochs : ownGraphEpochs,
                        settings.get(OWN_GRAPH_START)),
                gate(settings),
                settings.get(LOG_INTERVAL),
                settings.get(INITIAL_WEIGHTS),
                settings.get(MIN_RGB_BRIGHTNESS),
                settings.get(START_FROM),
                settings.get(ANCHOR_SHARE),
                backstop(settings),
                rollout(settings),
                selfTargets(settings));
    }

    private static SelfTargets selfTargets(Settings settings) {
        double rate = settings.get(SELF_TARGET_RATE);
        int capacity = settings.get(SELF_TARGET_CAPACITY);
        SELF_TARGET_RATE.check(rate >= 0 && rate <= 1, "must be between 0 and 1");
        SELF_TARGET_CAPACITY.check(capacity >= 0, "must not be negative");
        double confident = settings.get(SELF_TARGET_CONFIDENT_SHARE);
        SELF_TARGET_CONFIDENT_SHARE.check(confident > 0 && confident <= 1, "must be above 0 and at most 1");
        return new SelfTargets(rate, capacity, confident, settings.get(SELF_TARGET_COMPANIONS));
    }

    private static Rollout rollout(Settings settings) {
        double share = settings.get(ROLLOUT_SHARE);
        Duration watch = settings.get(ROLLOUT_WATCH);
        Duration maxWatch = settings.get(ROLLOUT_MAX_WATCH);
        int minPairs = settings.get(ROLLOUT_MIN_PAIRS);
        ROLLOUT_SHARE.check(share >= 0 && share < 1, "must be at least 0 and below 1");
        ROLLOUT_WATCH.check(watch != null && !watch.isNegative(), "must not be negative");
        ROLLOUT_MAX_WATCH.check(
                maxWatch != null && maxWatch.compareTo(watch) >= 0, "must be at least distill.rollout.watch");
        ROLLOUT_MIN_PAIRS.check(minPairs >= 10, "must be at least 10");
        return new Rollout(share, watch, maxWatch, minPairs);
    }

    private static Backstop backstop(Settings settings) {
        Duration interval = settings.get(BACKSTOP_INTERVAL);
        int minPairs = settings.get(BACKSTOP_MIN_PAIRS);
        int strikes = settings.get(BACKSTOP_STRIKES);
        BACKSTOP_INTERVAL.check(interval != null && !interval.isNegative(), "must not be negative");
        BACKSTOP_MIN_PAIRS.check(minPairs >= 10, "must be at least 10");
        BACKSTOP_STRIKES.check(strikes >= 1, "must be at least 1");
        return new Backstop(interval, minPairs, strikes);
    }

    private static Gate gate(Settings settings) {
        double margin = settings.get(GATE_MARGIN);
        double alpha = settings.get(GATE_ALPHA);
        int minPairs = settings.get(GATE_MIN_PAIRS);
        int minPerModality = settings.get(GATE_MIN_PER_MODALITY);
        GATE_MARGIN.check(margin >= 0 && margin < 1, "must be at least 0 and below 1");
        GATE_ALPHA.check(alpha > 0 && alpha < 1, "must be between 0 and 1, exclusive");
        GATE_MIN_PAIRS.check(minPairs >= 1, "must be at least 1");
        GATE_MIN_PER_MODALITY.check(minPerModality >= 1, "must be at least 1");
        return new Gate(margin, alpha, minPairs, minPerModality);
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    public static DistillerConfig defaults() {
        return from(Settings.empty());
    }

    public DistillerConfig withStoreDir(Path dir) {
        return new DistillerConfig(
                family,
                dir,
                signingKey,
                signingPublicKey,
                delivery,
                buffer,
                trigger,
                round,
                gate,
                logInterval,
                initialWeights,
                minRgbBrightness,
                startFrom,
                anchorShare,
                backstop,
                rollout,
                selfTargets);
    }
}
