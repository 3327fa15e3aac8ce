package dev.edgevl.distill;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.Rollout;
import dev.edgevl.avro.RolloutStage;
import dev.edgevl.avro.RouteReason;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.bundle.BundleDelivery;
import dev.edgevl.model.bundle.BundleException;
import dev.edgevl.model.bundle.BundleManifest;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.Digests;
import dev.edgevl.model.bundle.ModelBundle;
import dev.edgevl.model.bundle.ModelStore;
import dev.edgevl.model.bundle.ModelVersions;
import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.model.bundle.SignedBundle;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.onnx.OnnxExporter;
import dev.edgevl.model.onnx.StudentBundles;
import dev.edgevl.model.onnx.StudentGraphs;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.student.StudentSpec;
import dev.edgevl.model.train.PseudoLabels;
import dev.edgevl.model.train.RunSeeds;
import dev.edgevl.model.train.Shuffle;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.LeftOutLabels;
import dev.edgevl.model.zeroshot.LiveLabels;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The continual trainer: keeps the replay buffer from {@code teacher.embeddings}, the labels from
 * {@code labels.embedded} and the live version from {@code models}; when the trigger says so it runs one round at a
 * time on a thread of its own (so the consumer never waits), gates the candidate against the live version, stores,
 * signs and, if promoted, publishes it.
 *
 * <p>Crash safety comes from the order of the steps: everything is made in memory, then written to the store
 * atomically, and the {@code models} record is the very last thing, so a round that dies at any point has published
 * nothing, and the next start (which replays the topics) runs the round again.
 *
 * <p>The {@code on*} methods are called from one consumer thread.
 */
public final class Distiller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Distiller.class);
    /** The newest teacher embedding a version was trained with, in microseconds: where the next round's new data starts. */
    public static final String DATA_WATERMARK = "data.newestSampleMicros";

    private static final int EVAL_CHUNK = 64;
    /** The newest usable teacher pairs the collapse backstop judges on. */
    private static final int BACKSTOP_WINDOW = 400;
    /** Devices remembered for choosing a canary; a fleet larger than this is sampled by its first devices. */
    private static final int MAX_KNOWN_DEVICES = 100_000;

    private final DistillerConfig config;
    private final ModelStore store;
    private final ModelCatalog catalog;
    private final Checkpoints checkpoints;
    private final BundleSigner signer;
    private final BundleVerifier verifier;
    private final ModelPublisher publisher;
    private final Clock clock;
    private final RoundListener listener;
    private final ReplayBuffer buffer;
    private final PairTensors tensors;
    private final Gate gate;
    private final AnchorPairs anchors;
    private final Set<Modality> anchorModalities = EnumSet.noneOf(Modality.class);
    private final SelfTargetPool selfTargets;
    private final ExecutorService roundThread;
    private final LeftOutLabels leftOut = new LeftOutLabels(LOG, "The distiller");
    private final Map<ReplayBuffer.Outcome, AtomicLong> outcomes = new TreeMap<>();
    private final AtomicLong unreadable = new AtomicLong();
    /** The size of the live labels' embeddings, which every teacher sample must have; 0 before any label. */
    private int teacherDim;

    private LiveLabels labels = LiveLabels.NONE;
    private ModelVersion live;
    private long watermark;
    private long newestOffered;
    private int newSamples;
    private Instant lastRoundStart;
    private Future<?> running;
    private volatile RoundReport lastRound;
    private volatile String phase = "idle";
    private volatile boolean closed;
    private boolean initialSettled;
    private long rounds;
    private final ArrayDeque<ReplayBuffer.Sample> fresh = new ArrayDeque<>();
    private Instant lastCheck;
    private volatile int strikes;
    private final Map<String, Set<Modality>> devices = new LinkedHashMap<>();
    private CanaryWatch canary;

    /** @param keys signs what the distiller publishes; its public half decides which {@code models} records it believes */
    public Distiller(
            DistillerConfig config,
            ModelStore store,
            KeyPair keys,
            ModelPublisher publisher,
            Clock clock,
            RoundListener listener) {
        this.config = config;
        this.store = store;
        this.catalog = ModelCatalog.in(config.storeDir());
        this.checkpoints = Checkpoints.in(config.storeDir());
        this.signer = BundleSigner.of(keys);
        this.verifier = new BundleVerifier(TrustedKeys.of(keys.getPublic()));
        this.publisher = publisher;
        this.clock = clock;
        this.listener = listener;
        this.buffer = ReplayBuffer.of(config.buffer());
        this.tensors = new PairTensors(
                StudentBundles.inputSpec(StudentBundles.input(config.round().inputSize())));
        this.gate = Gate.of(config);
        this.anchors = AnchorPairs.load(config.initialWeights());
        if (!anchors.isEmpty()) {
            LOG.info("The distiller has {} shipped with the initial student.", anchors.describe());
        }
        anchors.replay()
                .forEach(a -> anchorModalities.add(a.record().getPair().getAux().getModality()));
        this.selfTargets = new SelfTargetPool(
                config.selfTargets().sampleRate(), config.selfTargets().capacity());
        this.lastRoundStart = clock.instant();
        this.lastCheck = clock.instant();
        this.watermark = catalogWatermark();
        this.roundThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "edgevl-distill-round");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A record of {@code models}: the live version of its family. Versions this distiller made come back this way too.
     * A record that does not verify with the distiller's own key (tampered, or signed by someone else) is not what the
     * fleet runs, since every consumer refuses it: it is logged and ignored.
     */
    public synchronized void onModel(String key, ModelVersion record) {
        if (record == null || !config.family().equals(Rollouts.familyOf(key))) {
            return;
        }
        if (Rollouts.isCanaryKey(key)) {
            onCanaryRecord(record);
            return;
        }
        // Verified (inline, or by its URI: the store's own file: URIs for distill.delivery=uri) and loaded: a signed
        // version that no reader can run is not live, whatever its record says.
        try (LiveModel loaded = LiveModel.load(record, verifier, 1)) {
            LOG.debug("{} v{} on models verifies and loads.", record.getFamily(), loaded.version());
        } catch (BundleException | IllegalArgumentException e) {
            LOG.warn(
                    "Ignored {} v{} on models: {}; the live version stays {}.",
                    record.getFamily(),
                    record.getVersion(),
                    e.getMessage(),
                    live == null ? "none" : "v" + live.getVersion());
            return;
        }
        live = record;
        if (canary != null && canary.version() == record.getVersion()) {
            canary = null; // it went fleet-wide (its record under the family's key may come before the canary's end)
        }
        watermark = Math.max(watermark, (long) (double) record.getMetrics().getOrDefault(DATA_WATERMARK, 0.0));
        if (!catalog.contains(record.getFamily(), record.getVersion())) {
            try {
                catalog.add(record); // published but not catalogued: the process stopped in between
            } catch (IOException e) {
                LOG.warn(
                        "Could not add the live {} v{} to the catalogue: {}",
                        record.getFamily(),
                        record.getVersion(),
                        e.getMessage());
            }
        }
    }

    /**
     * A record of the family's canary key: a canary this distiller started before a restart is watched again from its
     * start; one that ended is no longer watched. The distiller's own records come back this way and change nothing.
     */
    private void onCanaryRecord(ModelVersion record) {
        if (canary != null && canary.version() == record.getVersion()) {
            if (!Rollouts.isActiveCanary(record)) {
                canary = null;
            }
            return;
        }
        if (!Rollouts.isActiveCanary(record) || (live != null && live.getVersion() == record.getVersion())) {
            return;
        }
        try {
            verifier.verify(record);
        } catch (BundleException | IllegalArgumentException e) {
            LOG.warn(
                    "Ignored the canary {} v{} on models: {}.",
                    record.getFamily(),
                    record.getVersion(),
                    e.getMessage());
            return;
        }
        canary = new CanaryWatch(record, record.getRollout().getStartedTime());
        LOG.info(
                "Watching {} v{}: {}, since {}.",
                record.getFamily(),
                record.getVersion(),
                Rollouts.describe(record.getRollout()),
                record.getRollout().getStartedTime());
    }

    /**
     * A record of {@code labels.embedded}; null is a removal. Pairs are filed under the labels of the teacher most live
     * labels were embedded by; labels that cannot be used are left out, with a log line.
     */
    public synchronized void onLabel(String label, LabelEmbedding value) {
        labels = labels.apply(label, value);
        LiveLabels.Selection selection = labels.select(null, 0);
        leftOut.note(selection);
        buffer.relabel(selection.labels(), selection.teacherId());
        teacherDim = selection.labels().isEmpty() ? 0 : selection.labels().dim();
    }

    /** A record of {@code teacher.embeddings}. */
    public synchronized ReplayBuffer.Outcome onTeacherEmbedding(TeacherEmbedding record) {
        if (teacherDim > 0 && record.getEmbedding().size() != teacherDim) {
            unreadable.incrementAndGet();
            LOG.warn(
                    "Skipped a teacher sample from {}: its embedding has {} values where the live labels' teacher gives {}.",
                    record.getPair().getDeviceId(),
                    record.getEmbedding().size(),
                    teacherDim);
            return null;
        }
        double brightness;
        try {
            brightness = tensors.check(record);
        } catch (IllegalArgumentException e) { // FrameFormatException among them
            unreadable.incrementAndGet();
            LOG.warn(
                    "Skipped an unreadable teacher sample from {}: {}",
                    record.getPair().getDeviceId(),
                    e.getMessage());
            return null;
        }
        if (devices.size() < MAX_KNOWN_DEVICES
                || devices.containsKey(record.getPair().getDeviceId())) {
            devices.computeIfAbsent(record.getPair().getDeviceId(), k -> EnumSet.noneOf(Modality.class))
                    .add(record.getPair().getAux().getModality());
        }
        ReplayBuffer.Outcome outcome =
                brightness < config.minRgbBrightness() ? ReplayBuffer.Outcome.DARK_RGB : buffer.offer(record);
        outcomes.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
        if (outcome == ReplayBuffer.Outcome.TRAINING
                || outcome == ReplayBuffer.Outcome.NOT_SAMPLED
                || outcome == ReplayBuffer.Outcome.HELD_OUT) {
            ReplayBuffer.Sample sample = ReplayBuffer.Sample.of(
                    ReplayBuffer.identity(record.getPair().getAux()), record, 0, ReplayBuffer.Slice.HELD_OUT);
            fresh.addLast(sample);
            while (fresh.size() > BACKSTOP_WINDOW) {
                fresh.removeFirst();
            }
            if (canary != null) {
                canary.offer(record, sample);
            }
        }
        if (outcome == ReplayBuffer.Outcome.TRAINING || outcome == ReplayBuffer.Outcome.NOT_SAMPLED) {
            long micros = ReplayBuffer.micros(record.getEmbeddedTime());
            newestOffered = Math.max(newestOffered, micros);
            if (micros > watermark) {
                newSamples++;
            }
        }
        return outcome;
    }

    /**
     * A pair of {@code frames.paired}, routed to the teacher or not: kept for cross-modal self-distillation when its
     * non-RGB modality is one the anchor pairs do not cover (version 0 never learnt it), it falls in the sample and its
     * RGB frame is bright enough to be a target; a pair of a modality the anchor pairs cover (depth) is offered as the
     * companion of a kept pair of the same RGB frame instead. Returns whether it was kept (or taken as a companion).
     */
    public synchronized boolean onPair(FramePair pair) {
        if (!config.selfTargets().enabled() || anchors.isEmpty()) {
            return false;
        }
        if (anchorModalities.contains(pair.getAux().getModality())) {
            return config.selfTargets().companions() && offerCompanion(pair);
        }
        if (!selfTargets.wants(pair)) {
            return false;
        }
        double brightness;
        try {
            brightness = tensors.check(pair);
        } catch (IllegalArgumentException e) { // FrameFormatException among them
            unreadable.incrementAndGet();
            LOG.warn("Skipped an unreadable pair from {}: {}", pair.getDeviceId(), e.getMessage());
            return false;
        }
        return brightness >= config.minRgbBrightness() && selfTargets.offer(pair);
    }

    /** A pair of a modality the student was distilled on, as the companion of a kept pair of the same RGB frame. */
    private boolean offerCompanion(FramePair pair) {
        try {
            tensors.checkFrame(pair.getAux());
        } catch (IllegalArgumentException e) { // FrameFormatException among them
            unreadable.incrementAndGet();
            LOG.warn("Skipped an unreadable pair from {}: {}", pair.getDeviceId(), e.getMessage());
            return false;
        }
        return selfTargets.offerCompanion(pair);
    }

    /** Whether the distiller wants {@code frames.paired} at all (cross-modal self-distillation is on). */
    public boolean readsPairs() {
        return config.selfTargets().enabled() && !anchors.isEmpty();
    }

    /**
     * Version 0: when nothing is live and the family has no version yet, the shipped initial student (its int8 export,
     * {@code distill.initial-weights}) is signed and published before any round, with its offline provenance in the
     * manifest, so the fleet annotates with labels from its first frame and the first round has a parent. It waits for
     * the live labels, whose teacher and embedding size the initial student must fit; a student that does not fit, or
     * one that ships without its int8 export, is not published, and the first round starts from what
     * {@link #warmStart} finds.
     *
     * @return the published record, or empty when nothing was (yet) to publish
     */
    public synchronized Optional<ModelVersion> maybePublishInitial() {
        if (initialSettled || closed) {
            return Optional.empty();
        }
        if (live != null) {
            initialSettled = true;
            return Optional.empty();
        }
        LiveLabels.Selection selection = labels.select(null, 0);
        if (selection.teacherId() == null || selection.labels().isEmpty()) {
            return Optional.empty(); // the labels tell which teacher the fleet lives with; until then, nothing to check
        }
        initialSettled = true;
        if (catalog.contains(config.family(), 0) || catalog.latestVersion(config.family()) > 0) {
            return Optional.empty(); // made before: a restart, or versions made elsewhere
        }
        Optional<InitialWeights> initial = InitialWeights.load(config.initialWeights());
        if (initial.isEmpty()) {
            return Optional.empty();
        }
        StudentSpec spec = config.round().student(selection.labels().dim());
        if (!initial.get().fits(spec, selection.teacherId()) || !initial.get().hasInt8()) {
            LOG.info(
                    "No version 0: {} {}; the fleet waits for the first round.",
                    initial.get().describe(),
                    initial.get().hasInt8()
                            ? "does not fit this student or teacher (" + selection.teacherId() + ")"
                            : "ships without its int8 export (" + InitialWeights.INT8_FILE + ")");
            return Optional.empty();
        }
        try {
            Instant now = clock.instant();
            BundleManifest.Builder manifest = BundleManifest.builder()
                    .family(config.family())
                    .version(0)
                    .parentVersion(null)
                    .createdAt(now)
                    .teacherId(selection.teacherId())
                    .labelSetHash(selection.labels().version())
                    .metrics(initial.get().provenanceMetrics());
            byte[] bundle =
                    StudentBundles.int8(initial.get().int8Onnx(), spec.inputSize(), spec.embeddingDim(), manifest);
            ModelVersion record = storeAndSign(bundle, initial.get().weights(), now);
            publisher.publish(record);
            catalog.add(record);
            LOG.info(
                    "Published {} v0, {}, before any round: the fleet annotates with it from its first frame.",
                    config.family(),
                    initial.get().describe());
            return Optional.of(record);
        } catch (Exception e) {
            LOG.warn("Could not publish the initial student as version 0: {}", e.toString());
            return Optional.empty();
        }
    }

    /** Whether version 0 has been decided: published, found already made, or not to be made (see {@link #maybePublishInitial}). */
    public synchronized boolean initialSettled() {
        return initialSettled;
    }

    /** Signs a bundle, stores it and the weights to continue from, and makes its {@code models} record. */
    private ModelVersion storeAndSign(byte[] bundle, byte[] weights, Instant now) throws IOException {
        SignedBundle signed = signer.sign(bundle);
        store.put(signed.bytes());
        checkpoints.put(signed.sha256Hex(), weights);
        BundleDelivery delivery = config.delivery() == DistillerConfig.Delivery.INLINE
                ? BundleDelivery.inline()
                : BundleDelivery.at(store.uriOf(signed.sha256Hex()));
        return ModelVersions.toRecord(signed, ModelBundle.parse(signed.bytes()), delivery, now);
    }

    /** Starts a round on the round thread if the trigger says one is due and none is running; returns whether it did. */
    public synchronized boolean maybeStartRound() {
        if (closed || (running != null && !running.isDone()) || canary != null) {
            return false; // while a canary runs, the next version waits for its verdict
        }
        Optional<String> due = config.trigger()
                .due(
                        newSamples,
                        buffer.size(ReplayBuffer.Slice.TRAIN),
                        Duration.between(lastRoundStart, clock.instant()));
        if (due.isEmpty()) {
            return false;
        }
        ReplayBuffer.Snapshot snapshot = buffer.snapshot();
        ModelVersion liveNow = live;
        Optional<String> nothingNew = nothingNew(snapshot, liveNow);
        long dataWatermark = Math.max(watermark, newestOffered);
        if (nothingNew.isPresent()) {
            watermark = dataWatermark;
            newSamples = 0;
            lastRoundStart = clock.instant();
            DistillerMeters.round("skipped");
            LOG.info("Round skipped: {}; {}.", due.get(), nothingNew.get());
            return false;
        }
        watermark = dataWatermark;
        newSamples = 0;
        lastRoundStart = clock.instant();
        rounds++;
        String reason = due.get();
        LOG.info(
                "Retraining: {}; {} training and {} held-out pairs over {} labels, from {}.",
                reason,
                snapshot.train().size(),
                snapshot.heldOut().size(),
                snapshot.labels().size(),
                liveNow == null ? "fresh weights" : "live v" + liveNow.getVersion());
        Map<String, Set<Modality>> known = new LinkedHashMap<>();
        devices.forEach((device, modalities) -> known.put(device, EnumSet.copyOf(modalities)));
        List<SelfTargetPool.Entry> pool = selfTargets.entries(EnumSet.allOf(Modality.class));
        running = roundThread.submit(() -> runRound(snapshot, pool, liveNow, dataWatermark, reason, known));
        return true;
    }

    /**
     * The JITNet pre-test: the live version on the training pairs that arrived since the last round; a reason to skip
     * when it already agrees with the teacher on more than {@code distill.trigger.skip-agreement} of them.
     */
    private Optional<String> nothingNew(ReplayBuffer.Snapshot snapshot, ModelVersion liveNow) {
        if (liveNow == null
                || config.trigger().skipAgreement() >= 1
                || snapshot.labels().isEmpty()) {
            return Optional.empty();
        }
        List<ReplayBuffer.Sample> fresh = new ArrayList<>();
        for (ReplayBuffer.Sample s : snapshot.train()) {
            if (s.embeddedMicros() > watermark) {
                fresh.add(s);
            }
        }
        if (fresh.size() < RetrainTrigger.MIN_PRETEST_PAIRS) {
            return Optional.empty();
        }
        Optional<ModelVersion> loadable = loadable(liveNow.getVersion());
        if (loadable.isEmpty()) {
            return Optional.empty();
        }
        float[][] teacher = fresh.stream().map(ReplayBuffer.Sample::teacher).toArray(float[][]::new);
        try {
            double agreement = Gate.rate(agreesOf(loadable.get(), fresh, teacher, snapshot.labels()));
            return config.trigger().nothingNew(agreement, fresh.size())
                    ? Optional.of(String.format(
                            Locale.ROOT,
                            "nothing new to learn: live v%d already agrees with the teacher on %.3f of the %d new pairs"
                                    + " (skips above %.2f)",
                            liveNow.getVersion(),
                            agreement,
                            fresh.size(),
                            config.trigger().skipAgreement()))
                    : Optional.empty();
        } catch (BundleException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Waits for the running round, if any; for tests and orderly shutdown. */
    public void awaitRound(Duration timeout) throws Exception {
        Future<?> f;
        synchronized (this) {
            f = running;
        }
        if (f != null) {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void runRound(
            ReplayBuffer.Snapshot snapshot,
            List<SelfTargetPool.Entry> pool,
            ModelVersion liveNow,
            long dataWatermark,
            String reason,
            Map<String, Set<Modality>> knownDevices) {
        long started = System.nanoTime();
        long version = Math.max(catalog.latestVersion(config.family()), liveNow == null ? 0 : liveNow.getVersion()) + 1;
        Map<String, Double> metrics = new LinkedHashMap<>();
        try {
            Start start = warmStart(liveNow, snapshot);
            byte[] warm = start.weights();
            metrics.put("train.fromAnchor", start.fromAnchor() ? 1.0 : 0.0);
            TrainingRound round = new TrainingRound(config.round(), tensors, this::progress);
            long seed = RunSeeds.derive(config.round().seed(), version);
            List<ReplayBuffer.Sample> train = withReplayedAnchors(snapshot, seed, metrics);
            Set<Modality> newModalities = newModalities(snapshot, metrics);
            List<ReplayBuffer.Sample> studentTaught = selfTargets(pool, newModalities, liveNow, snapshot, metrics);
            Map<Modality, byte[]> ownStarts = liveOwnWeights(newModalities, liveNow);
            TrainingRound.Result result;
            try {
                result = round.run(train, studentTaught, snapshot.labels(), warm, seed, newModalities, ownStarts);
            } catch (IllegalArgumentException e) {
                if (warm == null || !String.valueOf(e.getMessage()).contains("do not fit")) {
                    throw e;
                }
                LOG.warn(
                        "The live version's weights do not fit the configured student ({}); training from fresh weights.",
                        e.getMessage());
                result = round.run(train, studentTaught, snapshot.labels(), null, seed, newModalities, Map.of());
            }
            metrics.putAll(result.metrics());
            phase = "gate";
            byte[] onnx = OnnxExporter.exportInt8(result.student());
            Map<Modality, byte[]> ownGraphs = new EnumMap<>(Modality.class);
            result.ownGraphs().forEach((m, student) -> ownGraphs.put(m, OnnxExporter.exportInt8(student)));
            for (Map.Entry<Modality, byte[]> w : result.ownWeights().entrySet()) {
                checkpoints.put(Digests.sha256Hex(ownGraphs.get(w.getKey())), w.getValue());
            }
            GatePairs gatePairs = gatePairs(snapshot, liveNow);
            Gate.Verdict verdict = judge(onnx, ownGraphs, gatePairs, metrics);
            byte[] sharedGraph = onnx;
            byte[] checkpoint = result.weights();
            // With graphs of its own, the whole candidate only when the gate passes it, its shared graph is shown
            // better
            // where it serves and its own graphs gain; else its parts beside the live version's (OwnGraphs,
            // distill.md).
            if (!ownGraphs.isEmpty() && liveNow != null) {
                boolean sharedGains =
                        OwnGraphs.sharedGains(verdict, ownGraphs.keySet(), gate.alpha(), gate.minPerGroup());
                boolean ownGain = OwnGraphs.gains(verdict, ownGraphs.keySet(), gate.alpha());
                if (!(verdict.promote() && sharedGains && ownGain)) {
                    Optional<Gate.Verdict> keptOwn =
                            sharedGains ? withLiveOwnGraphs(onnx, ownGraphs, gatePairs, liveNow) : Optional.empty();
                    Optional<Composite> composite =
                            keptOwn.isEmpty() ? composite(ownGraphs, gatePairs, liveNow) : Optional.empty();
                    if (keptOwn.isPresent()) {
                        LOG.info(
                                "Round for {} v{}: its shared graph ships with live v{}'s graphs for {}, which its own"
                                        + " do not beat ({}): {}.",
                                config.family(),
                                version,
                                liveNow.getVersion(),
                                ownGraphs.keySet(),
                                verdict.reason(),
                                keptOwn.get().reason());
                        metrics.put("gate.ownGraphsFromVersion", (double) liveNow.getVersion());
                        verdict = keptOwn.get();
                    } else if (composite.isPresent()) {
                        LOG.info(
                                "Round for {} v{}: its graph for {} ships with live v{}'s shared graph, which its own"
                                        + " does not beat ({}): {}.",
                                config.family(),
                                version,
                                ownGraphs.keySet(),
                                liveNow.getVersion(),
                                verdict.reason(),
                                composite.get().verdict().reason());
                        metrics.put("gate.sharedGraphFromVersion", (double) liveNow.getVersion());
                        verdict = composite.get().verdict();
                        sharedGraph = composite.get().sharedGraph();
                        checkpoint = composite.get().checkpoint().orElse(checkpoint);
                    } else if (verdict.promote() && !sharedGains) {
                        verdict = verdict.rejected("its shared graph is not shown better than live v"
                                + liveNow.getVersion() + "'s where it serves, and its graph for " + ownGraphs.keySet()
                                + " gains nothing");
                    }
                }
            }
            metrics.putAll(verdict.metrics(gate));
            metrics.put(DATA_WATERMARK, (double) dataWatermark);
            metrics.put("round.seconds", Math.round((System.nanoTime() - started) / 1e7) / 100.0);

            if (closed) {
                throw new Abandoned();
            }
            phase = "publish";
            Instant now = clock.instant();
            BundleManifest.Builder manifest = BundleManifest.builder()
                    .family(config.family())
                    .version(version)
                    .parentVersion(liveNow == null ? null : liveNow.getVersion())
                    .createdAt(now)
                    .teacherId(snapshot.teacherId())
                    .labelSetHash(
                            snapshot.labels().isEmpty()
                                    ? null
                                    : snapshot.labels().version())
                    .metrics(metrics);
            ModelVersion record = storeAndSign(
                    StudentBundles.int8(
                            sharedGraph,
                            ownGraphs,
                            result.student().inputSize(),
                            result.student().embeddingDim(),
                            manifest),
                    checkpoint,
                    now);
            boolean publish = verdict.promote() && !closed;
            // Only own graphs changed when the shared graph is the live version's: a canary must carry those
            // modalities.
            Set<Modality> changedOnly = liveNow != null
                            && Double.valueOf(liveNow.getVersion()).equals(metrics.get("gate.sharedGraphFromVersion"))
                    ? ownGraphs.keySet()
                    : Set.of();
            ModelVersion released = publish ? release(record, liveNow, knownDevices, changedOnly, now) : record;
            catalog.add(record);
            double seconds = (System.nanoTime() - started) / 1e9;
            lastRound = new RoundReport(version, verdict, publish, clock.instant(), seconds, metrics, reason, null);
            DistillerMeters.round(verdict.promote() ? "promoted" : "rejected");
            LOG.info(
                    "Round for {} v{} done in {} s: {}; {}.",
                    config.family(),
                    version,
                    Math.round(seconds),
                    verdict.reason(),
                    publish
                            ? "published to models"
                                    + (released.getRollout() == null
                                            ? ""
                                            : " as a " + Rollouts.describe(released.getRollout()))
                                    + " (" + record.getBundleSizeBytes() / 1024 + " kB, sha256 "
                                    + record.getSha256().substring(0, 12) + "…)"
                            : "kept in the store only (edgevl models promote " + version + " makes it live)");
        } catch (Abandoned e) {
            double seconds = (System.nanoTime() - started) / 1e9;
            lastRound =
                    new RoundReport(version, null, false, clock.instant(), seconds, metrics, reason, e.getMessage());
            DistillerMeters.round("abandoned");
            LOG.info(
                    "The round for {} v{} was abandoned after {} s at {}: {}; nothing was published or stored.",
                    config.family(),
                    version,
                    Math.round(seconds),
                    phase,
                    e.getMessage());
        } catch (Throwable e) {
            double seconds = (System.nanoTime() - started) / 1e9;
            lastRound = new RoundReport(
                    version, null, false, clock.instant(), seconds, metrics, reason, String.valueOf(e.getMessage()));
            DistillerMeters.round("failed");
            LOG.error(
                    "The round for {} v{} failed after {} s and published nothing: {}",
                    config.family(),
                    version,
                    Math.round(seconds),
                    e.toString(),
                    e);
        } finally {
            phase = "idle";
        }
    }

    /**
     * Publishes a promoted version: to a canary of at most {@code distill.rollout.canary-share} of the known devices
     * when there is a fleet-wide version to keep on the others and the share holds at least one device, else
     * fleet-wide at once.
     */
    private ModelVersion release(
            ModelVersion record,
            ModelVersion liveNow,
            Map<String, Set<Modality>> known,
            Set<Modality> changedOnly,
            Instant now)
            throws Exception {
        DistillerConfig.Rollout rollout = config.rollout();
        if (!rollout.enabled() || liveNow == null) {
            publisher.publish(record);
            return record;
        }
        Optional<Rollout> canaryRollout = Rollouts.canary(
                List.copyOf(known.keySet()), rollout.share(), liveNow.getVersion(), now, "passed the gate");
        if (canaryRollout.isEmpty()) {
            LOG.info(
                    "No canary for {} v{}: {} of the {} known devices is not even one; it goes fleet-wide at once.",
                    record.getFamily(),
                    record.getVersion(),
                    rollout.share(),
                    known.size());
            publisher.publish(record);
            return record;
        }
        if (!changedOnly.isEmpty()
                && !Rollouts.canaryCarries(known, canaryRollout.get().getThreshold(), changedOnly)) {
            LOG.info(
                    "No canary for {} v{}: it changes only the graphs for {}, which none of the {} canary device(s)"
                            + " carries, so a canary would run nothing new; it goes fleet-wide at once.",
                    record.getFamily(),
                    record.getVersion(),
                    changedOnly,
                    canaryRollout.get().getCanaryDevices());
            publisher.publish(record);
            return record;
        }
        ModelVersion canaryRecord =
                ModelVersion.newBuilder(record).setRollout(canaryRollout.get()).build();
        CanaryWatch watch = new CanaryWatch(canaryRecord, now);
        synchronized (this) {
            canary = watch; // before the record can come back from models
        }
        try {
            publisher.publish(canaryRecord);
        } catch (Exception e) {
            synchronized (this) {
                if (canary == watch) {
                    canary = null;
                }
            }
            throw e;
        }
        return canaryRecord;
    }

    /**
     * Starts a judgement of the running canary on the round thread when one is due ({@link CanaryWatch#due}).
     *
     * @return whether one started
     */
    public synchronized boolean maybeJudgeCanary() {
        if (canary == null || closed || live == null || (running != null && !running.isDone())) {
            return false;
        }
        Instant now = clock.instant();
        if (!canary.due(config.rollout(), now)) {
            return false;
        }
        canary.judged(now);
        CanaryWatch watch = canary;
        List<ReplayBuffer.Sample> pairs = watch.pairs();
        ModelVersion fleet = live;
        LabelSet labelSet = buffer.labels();
        running = roundThread.submit(() -> judgeCanary(watch, pairs, fleet, labelSet, now));
        return true;
    }

    /**
     * The canary against the fleet-wide version on the pairs its devices routed since it started ({@link
     * CanaryWatch#decide}): still watching; fleet-wide (its record republished under the family's key with the
     * {@code rollout.*} figures, then the canary record marked PROMOTED); or rolled back (the canary record marked
     * ROLLED_BACK with the figures and the reason; the fleet never left its version).
     */
    private void judgeCanary(
            CanaryWatch watch, List<ReplayBuffer.Sample> pairs, ModelVersion fleet, LabelSet labels, Instant at) {
        phase = "canary";
        try {
            float[][] teacher = pairs.stream().map(ReplayBuffer.Sample::teacher).toArray(float[][]::new);
            float[][] canaryRows = embedWith(watch.record(), pairs);
            float[][] fleetRows = embedWith(fleet, pairs);
            PairedAgreement vsFleet = PairedAgreement.of(
                    Gate.agrees(canaryRows, teacher, labels), Gate.agrees(fleetRows, teacher, labels));
            Duration elapsed = Duration.between(watch.started(), at);
            CanaryWatch.Decision decision = CanaryWatch.decide(config.rollout(), gate.alpha(), vsFleet, elapsed);
            CanaryWatch.Judgement judgement = new CanaryWatch.Judgement(
                    decision,
                    vsFleet,
                    Gate.meanConfidence(canaryRows, labels),
                    Gate.meanConfidence(fleetRows, labels),
                    elapsed,
                    decision == CanaryWatch.Decision.PROMOTE
                            && vsFleet.n() < config.rollout().minPairs());
            String reason = judgement.reason(watch.record(), fleet.getVersion());
            if (decision == CanaryWatch.Decision.WATCH || closed) {
                LOG.info("Canary {} v{}: {}.", fleet.getFamily(), watch.version(), reason);
                return;
            }
            Map<String, Double> figures = judgement.metrics(watch.record());
            Instant now = clock.instant();
            if (decision == CanaryWatch.Decision.PROMOTE) {
                ModelVersion fleetWide = withFigures(watch.record(), figures)
                        .setRollout(null)
                        .setPublishedTime(now)
                        .build();
                publisher.publish(fleetWide);
                publisher.publish(ended(watch.record(), RolloutStage.PROMOTED, reason, figures, now));
                synchronized (this) {
                    live = fleetWide; // the next round starts from it and is judged against it, whenever it comes back
                }
                DistillerMeters.canary("promoted");
                LOG.info(
                        "{} v{} goes fleet-wide after its canary on {} of {} devices: {}.",
                        fleet.getFamily(),
                        watch.version(),
                        watch.record().getRollout().getCanaryDevices(),
                        watch.record().getRollout().getKnownDevices(),
                        reason);
            } else {
                publisher.publish(ended(watch.record(), RolloutStage.ROLLED_BACK, reason, figures, now));
                DistillerMeters.canary("rolled_back");
                LOG.warn(
                        "Rolled back the canary {} v{}; every device runs v{} again. The canary was {}.",
                        fleet.getFamily(),
                        watch.version(),
                        fleet.getVersion(),
                        reason);
            }
            synchronized (this) {
                if (canary == watch) {
                    canary = null;
                }
            }
        } catch (Exception e) {
            LOG.warn(
                    "The judgement of the canary v{} failed; it is judged again later: {}",
                    watch.version(),
                    e.toString());
        } finally {
            phase = "idle";
        }
    }

    /** The canary record marked as ended, with the judgement's figures and reason. */
    private static ModelVersion ended(
            ModelVersion canaryRecord, RolloutStage stage, String reason, Map<String, Double> figures, Instant now) {
        return withFigures(Rollouts.withStage(canaryRecord, stage, reason, now.toEpochMilli()), figures)
                .build();
    }

    /** The record with {@code figures} added to its metrics (not to the signed manifest). */
    private static ModelVersion.Builder withFigures(ModelVersion record, Map<String, Double> figures) {
        Map<String, Double> metrics = new TreeMap<>(record.getMetrics());
        metrics.putAll(figures);
        return ModelVersion.newBuilder(record).setMetrics(metrics);
    }

    /** The version of the canary being watched, if any. */
    public synchronized Optional<Long> canaryVersion() {
        return canary == null ? Optional.empty() : Optional.of(canary.version());
    }

    private void progress(String name, int done, int total) {
        if (closed) {
            throw new Abandoned();
        }
        phase = name + " " + done + "/" + total;
        listener.progress(name, done, total);
    }

    /** Ends a round between two steps once the distiller is closing: its work would be thrown away anyway. */
    private static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super("the distiller is stopping", null, false, false);
        }
    }

    /**
     * What a round's stage 1 starts from: weights, or null for fresh ones.
     *
     * @param fromAnchor the weights are version 0's while another version is live
     */
    private record Start(byte[] weights, boolean fromAnchor) {}

    /**
     * The live version's checkpoint (or, with {@code distill.round.start-from=anchor}, version 0's when there is one);
     * without a live version, the initial weights when they fit; else fresh (null).
     */
    private Start warmStart(ModelVersion liveNow, ReplayBuffer.Snapshot snapshot) throws IOException {
        if (liveNow != null && config.startFrom() == DistillerConfig.StartFrom.ANCHOR) {
            Optional<ModelVersion> anchor = catalog.get(config.family(), 0);
            Optional<byte[]> weights = anchor.isEmpty()
                    ? Optional.empty()
                    : checkpoints.get(anchor.get().getSha256());
            if (weights.isPresent()) {
                return new Start(weights.get(), liveNow.getVersion() != 0);
            }
        }
        if (liveNow != null) {
            Optional<byte[]> weights = checkpoints.get(liveNow.getSha256());
            if (weights.isEmpty()) {
                LOG.warn(
                        "No training checkpoint for the live {} v{} in {} (made elsewhere?); this round starts from fresh weights.",
                        liveNow.getFamily(),
                        liveNow.getVersion(),
                        config.storeDir());
            }
            return new Start(weights.orElse(null), false);
        }
        Optional<InitialWeights> initial = InitialWeights.load(config.initialWeights());
        if (initial.isEmpty()) {
            return new Start(null, false);
        }
        StudentSpec spec = config.round().student(snapshot.train().get(0).teacher().length);
        if (!initial.get().fits(spec, snapshot.teacherId())) {
            LOG.info(
                    "The initial student weights ({}) do not fit this student or teacher ({}); the first round starts from fresh weights.",
                    initial.get().describe(),
                    snapshot.teacherId());
            return new Start(null, false);
        }
        LOG.info("The first round starts from {}.", initial.get().describe());
        return new Start(initial.get().weights(), false);
    }

    /**
     * The stream's training pairs plus the replayed anchor pairs: {@code distill.round.anchor-share} of the whole, drawn
     * in a shuffled cycle over the anchors (repeated when the stream's slice is large), when they fit the live teacher.
     */
    private List<ReplayBuffer.Sample> withReplayedAnchors(
            ReplayBuffer.Snapshot snapshot, long seed, Map<String, Double> metrics) {
        Map<String, Integer> added = new TreeMap<>();
        List<ReplayBuffer.Sample> stream = RoundMix.toppedUp(
                snapshot.train(),
                snapshot.labels(),
                config.round().minPerLabel(),
                config.round().minPerModality(),
                new Random(RunSeeds.derive(seed, "top-up")),
                added);
        added.forEach((group, count) -> metrics.put("train.toppedUp." + group.replace(' ', '.'), (double) count));
        metrics.put("train.streamSamples", (double) stream.size());
        double share = config.anchorShare();
        if (share <= 0 || anchors.replay().isEmpty() || !anchors.fits(snapshot.teacherId()) || stream.isEmpty()) {
            metrics.put("train.anchorSamples", 0.0);
            return stream;
        }
        int count = (int) Math.round(share / (1 - share) * stream.size());
        int[] order = Shuffle.permutation(anchors.replay().size(), new Random(RunSeeds.derive(seed, "anchor-replay")));
        List<ReplayBuffer.Sample> out = new ArrayList<>(stream);
        for (int i = 0; i < count; i++) {
            out.add(anchors.replay().get(order[i % order.length]));
        }
        metrics.put("train.anchorSamples", (double) count);
        return out;
    }

    /** Teacher pairs of a modality the rule below needs before it lets that modality learn from the student. */
    static final int MIN_SELF_TARGET_EVIDENCE = 32;

    /**
     * The pool's pairs of the modalities that get a graph of their own, each with the live version's embedding of its
     * RGB frame as the target of its non-RGB frame (cross-modal self-distillation); the most confident share of them.
     * A modality learns from the student only where the student is the better teacher for it: on the buffer's teacher
     * pairs, the live version's RGB embeddings must agree with the teacher more often than its embeddings of that
     * modality do (on at least {@value #MIN_SELF_TARGET_EVIDENCE} of them); a student that reads RGB badly would teach
     * its own mistakes. A pair with a companion frame gets its target by the rule {@link #companionRule} picks for the
     * companion's modality.
     */
    private List<ReplayBuffer.Sample> selfTargets(
            List<SelfTargetPool.Entry> pool,
            Set<Modality> newModalities,
            ModelVersion liveNow,
            ReplayBuffer.Snapshot snapshot,
            Map<String, Double> metrics) {
        metrics.put("train.selfTargetSamples", 0.0);
        Optional<ModelVersion> loadable =
                pool.isEmpty() || liveNow == null || snapshot.labels().isEmpty()
                        ? Optional.empty()
                        : loadable(liveNow.getVersion());
        if (loadable.isEmpty()) {
            return List.of();
        }
        List<FramePair> pairs;
        float[][] targets;
        try (LiveModel model = LiveModel.load(loadable.get(), verifier, 1)) {
            Set<Modality> taught = betterTaughtByRgb(model, newModalities, snapshot, metrics);
            List<SelfTargetPool.Entry> entries = pool.stream()
                    .filter(e -> taught.contains(e.pair().getAux().getModality()))
                    .toList();
            pairs = entries.stream().map(SelfTargetPool.Entry::pair).toList();
            targets = embedRgb(model, pairs);
            if (config.selfTargets().companions()) {
                withCompanions(model, entries, targets, snapshot, metrics);
            }
        }
        List<Integer> kept = new ArrayList<>();
        double share = config.selfTargets().confidentShare();
        if (share < 1 && !pairs.isEmpty()) {
            PseudoLabels.select(targets, snapshot.labels(), share, ZeroShotClassifier.DEFAULT_TEMPERATURE)
                    .forEach(pick -> kept.add(pick.sample()));
            kept.sort(null);
        } else {
            for (int i = 0; i < pairs.size(); i++) {
                kept.add(i);
            }
        }
        List<ReplayBuffer.Sample> out = new ArrayList<>(kept.size());
        for (int i : kept) {
            FramePair p = pairs.get(i);
            TeacherEmbedding record = TeacherEmbedding.newBuilder()
                    .setPair(p)
                    .setTeacherId(snapshot.teacherId())
                    .setSourceModality(Modality.RGB)
                    .setEmbedding(Embeddings.boxed(targets[i]))
                    .setEmbeddedTime(p.getAux().getCaptureTime())
                    .build();
            out.add(ReplayBuffer.Sample.of(ReplayBuffer.identity(p.getAux()), record, 0, ReplayBuffer.Slice.TRAIN));
        }
        metrics.put("train.selfTargetSamples", (double) kept.size());
        if (!kept.isEmpty()) {
            metrics.put("train.selfTargetsFromVersion", (double) liveNow.getVersion());
        }
        return out;
    }

    /**
     * Replaces the targets of the entries with a companion frame by what the companion's modality's rule makes of the
     * student's embeddings of both frames; per companion modality, how many pairs had one and which rule it took go into
     * the metrics ({@code train.selfTargets.companion.<M>.*}).
     */
    private void withCompanions(
            LiveModel model,
            List<SelfTargetPool.Entry> entries,
            float[][] targets,
            ReplayBuffer.Snapshot snapshot,
            Map<String, Double> metrics) {
        Map<Modality, List<Integer>> byModality = new EnumMap<>(Modality.class);
        for (int i = 0; i < entries.size(); i++) {
            SensorFrame companion = entries.get(i).companion();
            if (companion != null) {
                byModality
                        .computeIfAbsent(companion.getModality(), m -> new ArrayList<>())
                        .add(i);
            }
        }
        byModality.forEach((m, rows) -> {
            String key = "train.selfTargets.companion." + m;
            metrics.put(key + ".pairs", (double) rows.size());
            CompanionTargets.Rule rule = companionRule(model, m, snapshot, metrics);
            metrics.put(key + ".rule", (double) rule.ordinal());
            LOG.info(
                    "Self-targets: {} of {} pooled pairs have a {} frame of the same moment; their targets come from {}"
                            + " ({}).",
                    rows.size(),
                    entries.size(),
                    m,
                    rule == CompanionTargets.Rule.MEAN
                            ? "the mean of both frames"
                            : "the " + (rule == CompanionTargets.Rule.RGB ? "RGB" : m) + " frame alone",
                    ruleEvidence(m, metrics));
            if (rule == CompanionTargets.Rule.RGB) {
                return;
            }
            float[][] companions = embedFrames(
                    model, rows.stream().map(i -> entries.get(i).companion()).toList());
            for (int k = 0; k < rows.size(); k++) {
                int i = rows.get(k);
                targets[i] = CompanionTargets.target(rule, targets[i], companions[k]);
            }
        });
    }

    /** What the rule for a companion modality was judged on, in words, from the metrics {@link #companionRule} wrote. */
    private static String ruleEvidence(Modality m, Map<String, Double> metrics) {
        String key = "train.selfTargets.companion." + m;
        double evidence = metrics.getOrDefault(key + ".evidence", 0.0);
        if (evidence < CompanionTargets.MIN_EVIDENCE) {
            return String.format(
                    Locale.ROOT, "%.0f exploration pairs of %s, too few to judge the rule on", evidence, m);
        }
        return String.format(
                Locale.ROOT,
                "agreement with the teacher on %.0f exploration pairs of %s: RGB %.3f, mean %.3f, %s %.3f",
                evidence,
                m,
                metrics.get(key + ".rgbAgreement"),
                metrics.get(key + ".meanAgreement"),
                m,
                metrics.get(key + ".agreement"));
    }

    /**
     * How targets are made from a companion of this modality ({@link CompanionTargets#choose}): the mean, unless the
     * buffer's exploration pairs of the modality (RGB and that modality's frame of one moment, the teacher's embedding of
     * the RGB frame known) show one view alone agreeing with the teacher more often. Only the uniform slice counts: the
     * router sends the teacher the frames the student is unsure of <em>on that modality</em>, where its reading of the
     * companion is at its worst (0.27-0.30 against 0.47-0.52 for the photos on the drift scenario's uncertainty-routed
     * depth pairs).
     */
    private CompanionTargets.Rule companionRule(
            LiveModel model, Modality modality, ReplayBuffer.Snapshot snapshot, Map<String, Double> metrics) {
        List<FramePair> pairs = new ArrayList<>();
        List<float[]> teacherRows = new ArrayList<>();
        for (List<ReplayBuffer.Sample> slice : List.of(snapshot.train(), snapshot.heldOut())) {
            for (ReplayBuffer.Sample s : slice) {
                if (s.record().getPair().getAux().getModality() == modality
                        && s.record().getPair().getRgb() != null
                        && s.record().getReasons().contains(RouteReason.EXPLORATION)) {
                    pairs.add(s.record().getPair());
                    teacherRows.add(s.teacher());
                }
            }
        }
        String key = "train.selfTargets.companion." + modality;
        metrics.put(key + ".evidence", (double) pairs.size());
        if (pairs.size() < CompanionTargets.MIN_EVIDENCE) {
            return CompanionTargets.Rule.MEAN;
        }
        float[][] teacher = teacherRows.toArray(float[][]::new);
        float[][] rgb = embedRgb(model, pairs);
        float[][] companion =
                embedFrames(model, pairs.stream().map(FramePair::getAux).toList());
        float[][] mean = new float[rgb.length][];
        for (int i = 0; i < rgb.length; i++) {
            mean[i] = CompanionTargets.mean(rgb[i], companion[i]);
        }
        boolean[] rgbAgrees = Gate.agrees(rgb, teacher, snapshot.labels());
        boolean[] meanAgrees = Gate.agrees(mean, teacher, snapshot.labels());
        boolean[] companionAgrees = Gate.agrees(companion, teacher, snapshot.labels());
        metrics.put(key + ".rgbAgreement", Gate.rate(rgbAgrees));
        metrics.put(key + ".meanAgreement", Gate.rate(meanAgrees));
        metrics.put(key + ".agreement", Gate.rate(companionAgrees));
        return CompanionTargets.choose(rgbAgrees, meanAgrees, companionAgrees, gate.alpha());
    }

    /** The modalities whose teacher pairs the live version reads worse than their RGB frames (the rule above). */
    private static Set<Modality> betterTaughtByRgb(
            LiveModel model, Set<Modality> modalities, ReplayBuffer.Snapshot snapshot, Map<String, Double> metrics) {
        List<ReplayBuffer.Sample> all = new ArrayList<>(snapshot.train());
        all.addAll(snapshot.heldOut());
        Set<Modality> out = EnumSet.noneOf(Modality.class);
        PairTensors modelTensors = new PairTensors(model.spec());
        for (Modality m : modalities) {
            List<ReplayBuffer.Sample> ofM = all.stream()
                    .filter(s -> s.record().getPair().getAux().getModality() == m)
                    .toList();
            if (ofM.size() < MIN_SELF_TARGET_EVIDENCE) {
                continue;
            }
            float[][] teacher = ofM.stream().map(ReplayBuffer.Sample::teacher).toArray(float[][]::new);
            double rgb = Gate.rate(Gate.agrees(
                    embedRgb(model, ofM.stream().map(s -> s.record().getPair()).toList()), teacher, snapshot.labels()));
            double own =
                    Gate.rate(Gate.agrees(embed(model::embed, modelTensors, ofM, true), teacher, snapshot.labels()));
            metrics.put("train.selfTargets." + m + ".rgbAgreement", rgb);
            metrics.put("train.selfTargets." + m + ".agreement", own);
            if (rgb > own) {
                out.add(m);
            }
        }
        return out;
    }

    /** A model's embeddings of the pairs' RGB frames, with its own preprocessing. */
    private static float[][] embedRgb(LiveModel model, List<FramePair> pairs) {
        return embedFrames(model, pairs.stream().map(FramePair::getRgb).toList());
    }

    /** A model's embeddings of frames, each by its modality's graph, with the model's own preprocessing. */
    private static float[][] embedFrames(LiveModel model, List<SensorFrame> frames) {
        InputSpec spec = model.spec();
        float[][] out = new float[frames.size()][];
        for (int from = 0; from < frames.size(); from += EVAL_CHUNK) {
            int to = Math.min(frames.size(), from + EVAL_CHUNK);
            float[] images = new float[(to - from) * spec.size()];
            Modality[] modalities = new Modality[to - from];
            for (int i = from; i < to; i++) {
                FramePreprocessor.toInput(frames.get(i), spec, images, (i - from) * spec.size());
                modalities[i - from] = frames.get(i).getModality();
            }
            System.arraycopy(model.embed(modalities, images), 0, out, from, to - from);
        }
        return out;
    }

    /**
     * The non-RGB modalities of the stream's training pairs that the replayed anchor pairs do not cover (version 0 was
     * distilled without them, e.g. thermal): a round gives them a graph of their own when the settings ask for one.
     * Empty when no anchor pairs are replayed, as there is then no known ground to protect in the others either.
     */
    private Set<Modality> newModalities(ReplayBuffer.Snapshot snapshot, Map<String, Double> metrics) {
        if (metrics.getOrDefault("train.anchorSamples", 0.0) <= 0
                || !config.round().ownGraphsForNewModalities()) {
            return Set.of();
        }
        Set<Modality> known = EnumSet.noneOf(Modality.class);
        anchors.replay().forEach(a -> known.add(a.record().getPair().getAux().getModality()));
        Set<Modality> fresh = EnumSet.noneOf(Modality.class);
        for (ReplayBuffer.Sample s : snapshot.train()) {
            Modality m = s.record().getPair().getAux().getModality();
            if (m != Modality.RGB && !known.contains(m)) {
                fresh.add(m);
            }
        }
        return fresh;
    }

    /**
     * The gate's pairs for one round (the anchor pairs' gate half, when they fit the live teacher, and the buffer's
     * held-out slice), each pair's group, and the live version's and version 0's verdicts on them (each as consumers
     * run it: verified, with the preprocessing its own manifest asks for). Made once per round, so a round that judges
     * several combinations of graphs embeds the pairs with the live version and v0 only once.
     */
    private record GatePairs(
            List<ReplayBuffer.Sample> pairs,
            String[] group,
            boolean[] uniform,
            float[][] teacher,
            int anchorCount,
            LabelSet labels,
            List<Baseline> baselines) {}

    /** A version the candidate is compared with, and on which gate pairs it agrees with the teacher. */
    private record Baseline(String name, String key, boolean[] agrees) {}

    private GatePairs gatePairs(ReplayBuffer.Snapshot snapshot, ModelVersion liveNow) {
        List<ReplayBuffer.Sample> pairs = new ArrayList<>();
        if (anchors.fits(snapshot.teacherId())) {
            pairs.addAll(anchors.gate());
        }
        int anchorCount = pairs.size();
        pairs.addAll(snapshot.heldOut());
        String[] group = new String[pairs.size()];
        boolean[] uniform = new boolean[pairs.size()];
        for (int i = 0; i < group.length; i++) {
            group[i] = i < anchorCount
                    ? "ANCHOR"
                    : pairs.get(i).record().getPair().getAux().getModality().name();
            uniform[i] = i < anchorCount || pairs.get(i).record().getReasons().contains(RouteReason.EXPLORATION);
        }
        float[][] teacher = pairs.stream().map(ReplayBuffer.Sample::teacher).toArray(float[][]::new);
        List<ModelVersion> others = new ArrayList<>();
        if (liveNow != null) {
            others.add(liveNow);
        }
        if (liveNow == null || liveNow.getVersion() != 0) {
            versionZero().ifPresent(others::add);
        }
        List<Baseline> baselines = new ArrayList<>();
        for (ModelVersion other : others) {
            boolean isLive = other == liveNow;
            try (LiveModel model = LiveModel.load(other, verifier, 1)) {
                baselines.add(new Baseline(
                        (isLive ? "live v" : "v") + other.getVersion(),
                        isLive ? "vsLive" : "vsV0",
                        Gate.agrees(
                                embed(model::embed, new PairTensors(model.spec()), pairs, true),
                                teacher,
                                snapshot.labels())));
            } catch (BundleException e) {
                LOG.warn(
                        "{} v{} cannot be loaded ({}); the gate cannot compare against it.",
                        other.getFamily(),
                        other.getVersion(),
                        e.getMessage());
            }
        }
        return new GatePairs(pairs, group, uniform, teacher, anchorCount, snapshot.labels(), baselines);
    }

    /** Judges a candidate (its shared graph and any own graphs) on the round's gate pairs against the live version and v0. */
    private Gate.Verdict judge(
            byte[] candidateOnnx, Map<Modality, byte[]> candidateOwnGraphs, GatePairs g, Map<String, Double> metrics) {
        boolean[] candidate;
        double candidateRgb;
        try (StudentGraphs student = new StudentGraphs(
                candidateOnnx, candidateOwnGraphs, Runtime.getRuntime().availableProcessors())) {
            candidate = Gate.agrees(embed(student::embed, tensors, g.pairs(), true), g.teacher(), g.labels());
            candidateRgb = Gate.agreement(embed(student::embed, tensors, g.pairs(), false), g.teacher(), g.labels());
        }
        List<Gate.Comparison> comparisons = new ArrayList<>();
        for (Baseline b : g.baselines()) {
            comparisons.add(Gate.Comparison.of(b.name(), b.key(), candidate, b.agrees(), g.group(), g.uniform()));
        }
        metrics.put("gate.anchorPairs", (double) g.anchorCount());
        metrics.put("gate.heldOutPairs", (double) (g.pairs().size() - g.anchorCount()));
        return gate.decide(Gate.rate(candidate), candidateRgb, g.pairs().size(), comparisons);
    }

    /**
     * A candidate made of the live version's shared graph and a rejected candidate's own graphs.
     *
     * @param checkpoint the live version's training checkpoint, which the shared graph was made from
     */
    private record Composite(byte[] sharedGraph, Optional<byte[]> checkpoint, Gate.Verdict verdict) {}

    /**
     * When a candidate with graphs of its own for new modalities is rejected as a whole, or its shared graph is not
     * shown better than the live one where it serves ({@link OwnGraphs#sharedGains}), the live version's shared graph with the
     * candidate's own graphs, judged by the same gate on the same pairs and taken only when its own graphs gain
     * ({@link OwnGraphs#gains}): what a new modality learnt is not held back, nor paid for, by the others. Empty when
     * there is no such candidate or the combination does not pass.
     */
    private Optional<Composite> composite(Map<Modality, byte[]> ownGraphs, GatePairs gatePairs, ModelVersion liveNow) {
        Optional<ModelBundle> live = ownGraphs.isEmpty() ? Optional.empty() : liveBundle(liveNow);
        if (live.isEmpty()) {
            return Optional.empty();
        }
        byte[] shared = live.get().entryFile();
        Gate.Verdict verdict = judge(shared, ownGraphs, gatePairs, new LinkedHashMap<>());
        if (!verdict.promote() || !OwnGraphs.gains(verdict, ownGraphs.keySet(), gate.alpha())) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Composite(shared, checkpoints.get(liveNow.getSha256()), verdict));
        } catch (IOException e) {
            LOG.warn("Could not read live v{}'s checkpoint: {}", liveNow.getVersion(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The candidate's shared graph with the graphs the live version runs for the candidate's own modalities (its own
     * graph for one, or its shared graph where it has none), judged by the same gate; on success {@code ownGraphs} is
     * replaced by them. Empty (and {@code ownGraphs} unchanged) when the live version cannot be read or the combination
     * does not pass.
     */
    private Optional<Gate.Verdict> withLiveOwnGraphs(
            byte[] shared, Map<Modality, byte[]> ownGraphs, GatePairs gatePairs, ModelVersion liveNow) {
        Optional<ModelBundle> live = liveBundle(liveNow);
        if (live.isEmpty()) {
            return Optional.empty();
        }
        Map<Modality, byte[]> liveRuns = new EnumMap<>(Modality.class);
        for (Modality m : ownGraphs.keySet()) {
            liveRuns.put(m, live.get().entryFile(m));
        }
        Gate.Verdict verdict = judge(shared, liveRuns, gatePairs, new LinkedHashMap<>());
        if (!verdict.promote()) {
            return Optional.empty();
        }
        ownGraphs.clear();
        ownGraphs.putAll(liveRuns);
        return Optional.of(verdict);
    }

    /**
     * With {@code distill.stage1.own-graph-start=live}, the training weights behind the graph the live version runs for
     * each of {@code modalities}, where that is an own graph whose checkpoint (named by the graph's SHA-256) the store
     * holds; a modality without one starts from the round's starting weights.
     */
    private Map<Modality, byte[]> liveOwnWeights(Set<Modality> modalities, ModelVersion liveNow) throws IOException {
        if (modalities.isEmpty() || config.round().ownGraphStart() != RoundSettings.OwnGraphStart.LIVE) {
            return Map.of();
        }
        Optional<ModelBundle> live = liveBundle(liveNow);
        Map<Modality, byte[]> out = new EnumMap<>(Modality.class);
        if (live.isPresent()) {
            for (Modality m : modalities) {
                checkpoints.get(Digests.sha256Hex(live.get().entryFile(m))).ifPresent(w -> out.put(m, w));
            }
        }
        return out;
    }

    /** The live version's verified bundle from the store, to combine its graphs with a candidate's; empty when unreadable. */
    private Optional<ModelBundle> liveBundle(ModelVersion liveNow) {
        Optional<ModelVersion> live = liveNow == null ? Optional.empty() : loadable(liveNow.getVersion());
        try {
            return live.map(v -> verifier.verify(v).bundle());
        } catch (BundleException e) {
            LOG.warn("Could not read live v{}'s graphs: {}", liveNow.getVersion(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Version 0 as a loadable record (the catalogue's with its bundle from the store), when the distiller made one. */
    private Optional<ModelVersion> versionZero() {
        return loadable(0);
    }

    /** A catalogued version with its bundle from the store, ready to load; empty when either lacks it. */
    private Optional<ModelVersion> loadable(long version) {
        try {
            Optional<ModelVersion> stored = catalog.get(config.family(), version);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            Optional<byte[]> bundle = store.get(stored.get().getSha256());
            return bundle.map(b -> ModelVersion.newBuilder(stored.get())
                    .setBundle(ByteBuffer.wrap(b))
                    .setBundleUri(null)
                    .build());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not read v{} from the catalogue and the store: {}", version, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Starts a check of the collapse backstop on the round thread when one is due: every
     * {@code distill.backstop.interval}, when no round runs, a version other than v0 is live and at least
     * {@code distill.backstop.min-pairs} usable pairs arrived after the newest one it trained on.
     *
     * @return whether a check started
     */
    public synchronized boolean maybeCheckLive() {
        DistillerConfig.Backstop b = config.backstop();
        if (!b.enabled()
                || closed
                || canary != null // the canary's judgement comes first
                || (running != null && !running.isDone())
                || live == null
                || live.getVersion() == 0
                || Duration.between(lastCheck, clock.instant()).compareTo(b.interval()) < 0) {
            return false;
        }
        long trainedUpTo = (long) (double) live.getMetrics().getOrDefault(DATA_WATERMARK, 0.0);
        List<ReplayBuffer.Sample> pairs =
                fresh.stream().filter(s -> s.embeddedMicros() > trainedUpTo).toList();
        if (pairs.size() < b.minPairs() || buffer.labels().isEmpty()) {
            return false;
        }
        lastCheck = clock.instant();
        ModelVersion liveNow = live;
        LabelSet labelSet = buffer.labels();
        running = roundThread.submit(() -> checkLive(pairs, liveNow, labelSet));
        return true;
    }

    /**
     * The collapse backstop's check: the live version against v0, pair by pair, on pairs neither trained on. After
     * {@code distill.backstop.strikes} checks in a row that show it worse (the paired test at the gate's level), the
     * live version's ancestors are judged on the same pairs, newest first, and the first that is not worse than v0 (v0
     * at worst) is published again, with {@code rollback.*} figures on its record and a log line that says why.
     */
    private void checkLive(List<ReplayBuffer.Sample> pairs, ModelVersion liveNow, LabelSet labels) {
        phase = "backstop";
        try {
            Optional<ModelVersion> v0 = versionZero();
            if (v0.isEmpty()) {
                return;
            }
            float[][] teacher = pairs.stream().map(ReplayBuffer.Sample::teacher).toArray(float[][]::new);
            boolean[] zero = agreesOf(v0.get(), pairs, teacher, labels);
            boolean[] now = agreesOf(liveNow, pairs, teacher, labels);
            PairedAgreement vsZero = PairedAgreement.of(now, zero);
            double p = vsZero.pAtLeastAsGood();
            boolean worse = p < gate.alpha();
            strikes = worse ? strikes + 1 : 0;
            int needed = config.backstop().strikes();
            LOG.info(
                    "Backstop: live v{} agrees with the teacher on {} of {} pairs it never trained on, v0 on {} (p {}): {}.",
                    liveNow.getVersion(),
                    String.format("%.3f", vsZero.candidateRate()),
                    pairs.size(),
                    String.format("%.3f", vsZero.otherRate()),
                    String.format("%.3f", p),
                    worse ? "worse, " + strikes + " of " + needed + " checks in a row" : "not worse");
            if (strikes < needed || closed) {
                return;
            }
            long target = 0;
            Long parent = liveNow.getParentVersion();
            while (parent != null && parent > 0) {
                Optional<ModelVersion> ancestor = loadable(parent);
                if (ancestor.isEmpty()) {
                    break;
                }
                boolean[] a = agreesOf(ancestor.get(), pairs, teacher, labels);
                if (PairedAgreement.of(a, zero).pAtLeastAsGood() >= gate.alpha()) {
                    target = parent;
                    break;
                }
                parent = ancestor.get().getParentVersion();
            }
            Map<String, Double> why = new LinkedHashMap<>();
            why.put("rollback.from", (double) liveNow.getVersion());
            why.put("rollback.pairs", (double) pairs.size());
            why.put("rollback.fromAgreement", vsZero.candidateRate());
            why.put("rollback.v0Agreement", vsZero.otherRate());
            why.put("rollback.pAtLeastAsGood", p);
            why.put("rollback.checks", (double) strikes);
            new Republisher(catalog, store, publisher)
                    .republish(
                            config.family(),
                            target,
                            config.delivery() == DistillerConfig.Delivery.INLINE,
                            clock.instant(),
                            why);
            strikes = 0;
            DistillerMeters.backstopRollback();
            LOG.warn(
                    "Rolled {} back from v{} to v{}: on the {} newest pairs it never trained on, v{} agreed with the teacher on"
                            + " {} and v0 on {} (p {}), worse at {} checks in a row; v{} is the last version not worse than"
                            + " v0 there.",
                    config.family(),
                    liveNow.getVersion(),
                    target,
                    pairs.size(),
                    liveNow.getVersion(),
                    String.format("%.3f", vsZero.candidateRate()),
                    String.format("%.3f", vsZero.otherRate()),
                    String.format("%.3f", p),
                    needed,
                    target);
        } catch (Exception e) {
            LOG.warn("The backstop check of v{} failed: {}", liveNow.getVersion(), e.toString());
        } finally {
            phase = "idle";
        }
    }

    private boolean[] agreesOf(
            ModelVersion version, List<ReplayBuffer.Sample> pairs, float[][] teacher, LabelSet labels) {
        return Gate.agrees(embedWith(version, pairs), teacher, labels);
    }

    /** A version's embeddings of the pairs' non-RGB frames, as consumers run it: verified, with its own preprocessing. */
    private float[][] embedWith(ModelVersion version, List<ReplayBuffer.Sample> pairs) {
        try (LiveModel model = LiveModel.load(version, verifier, 1)) {
            return embed(model::embed, new PairTensors(model.spec()), pairs, true);
        }
    }

    /** A student's embeddings of preprocessed images laid end to end, {@code modalities[i]} being image i's. */
    interface Embedder {
        float[][] embed(Modality[] modalities, float[] images);
    }

    static float[][] embed(Embedder student, PairTensors tensors, List<ReplayBuffer.Sample> samples, boolean nonRgb) {
        float[][] out = new float[samples.size()][];
        for (int from = 0; from < samples.size(); from += EVAL_CHUNK) {
            int to = Math.min(samples.size(), from + EVAL_CHUNK);
            Modality[] modalities = new Modality[to - from];
            for (int i = from; i < to; i++) {
                modalities[i - from] =
                        nonRgb ? samples.get(i).record().getPair().getAux().getModality() : Modality.RGB;
            }
            float[][] rows = student.embed(modalities, tensors.images(samples, from, to, nonRgb));
            System.arraycopy(rows, 0, out, from, to - from);
        }
        return out;
    }

    private long catalogWatermark() {
        try {
            List<ModelVersion> all = catalog.list(config.family());
            return all.isEmpty()
                    ? 0
                    : (long) (double) all.get(all.size() - 1).getMetrics().getOrDefault(DATA_WATERMARK, 0.0);
        } catch (IOException e) {
            LOG.warn("Could not read the model catalogue in {}: {}", catalog.directory(), e.getMessage());
            return 0;
        }
    }

    /** Where the distiller stands, for logs and the local view. */
    public record Status(
            int train,
            int heldOut,
            Map<String, Integer> perLabel,
            long offered,
            long unreadable,
            int newSamples,
            long rounds,
            String phase,
            Long liveVersion,
            RoundReport lastRound,
            int labelsLeftOut,
            Long canaryVersion,
            int selfTargetPairs) {}

    public synchronized Status status() {
        return new Status(
                buffer.size(ReplayBuffer.Slice.TRAIN),
                buffer.size(ReplayBuffer.Slice.HELD_OUT),
                buffer.perLabel(ReplayBuffer.Slice.TRAIN),
                buffer.offered(),
                unreadable.get(),
                newSamples,
                rounds,
                phase,
                live == null ? null : live.getVersion(),
                lastRound,
                leftOut.count(),
                canary == null ? null : canary.version(),
                selfTargets.size());
    }

    public RoundReport lastRound() {
        return lastRound;
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    /**
     * Stops taking rounds. A round still training stops at its next step (or before it stores anything) and publishes
     * nothing; {@link #awaitRound} waits for that.
     */
    @Override
    public void close() {
        closed = true;
        roundThread.shutdown();
    }
}
