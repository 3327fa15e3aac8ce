package dev.edgevl.distill;

import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.bundle.BundleDelivery;
import dev.edgevl.model.bundle.BundleException;
import dev.edgevl.model.bundle.BundleManifest;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.ModelBundle;
import dev.edgevl.model.bundle.ModelStore;
import dev.edgevl.model.bundle.ModelVersions;
import dev.edgevl.model.bundle.SignedBundle;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.onnx.OnnxExporter;
import dev.edgevl.model.onnx.OnnxStudent;
import dev.edgevl.model.onnx.StudentBundles;
import dev.edgevl.model.student.StudentSpec;
import dev.edgevl.model.train.RunSeeds;
import dev.edgevl.model.zeroshot.LeftOutLabels;
import dev.edgevl.model.zeroshot.LiveLabels;
import java.io.IOException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
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
    private final ExecutorService roundThread;
    private final LeftOutLabels leftOut = new LeftOutLabels(LOG, "The distiller");
    private final Map<ReplayBuffer.Outcome, AtomicLong> outcomes = new TreeMap<>();
    private final AtomicLong unreadable = new AtomicLong();

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
        this.lastRoundStart = clock.instant();
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
    public synchronized void onModel(String family, ModelVersion record) {
        if (!config.family().equals(family) || record == null) {
            return;
        }
        try {
            verifier.verify(record); // inline, or by its URI: the store's own file: URIs for distill.delivery=uri
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
     * A record of {@code labels.embedded}; null is a removal. Pairs are filed under the labels of the teacher most live
     * labels were embedded by; labels that cannot be used are left out, with a log line.
     */
    public synchronized void onLabel(String label, LabelEmbedding value) {
        labels = labels.apply(label, value);
        LiveLabels.Selection selection = labels.select(null, 0);
        leftOut.note(selection);
        buffer.relabel(selection.labels(), selection.teacherId());
    }

    /** A record of {@code teacher.embeddings}. */
    public synchronized ReplayBuffer.Outcome onTeacherEmbedding(TeacherEmbedding record) {
        double brightness;
        try {
            brightness = tensors.check(record);
        } catch (IllegalArgumentException e) { // FrameFormatException among them
            unreadable.incrementAndGet();
            LOG.debug(
                    "Skipped an unreadable teacher sample from {}: {}",
                    record.getPair().getDeviceId(),
                    e.getMessage());
            return null;
        }
        ReplayBuffer.Outcome outcome =
                brightness < config.minRgbBrightness() ? ReplayBuffer.Outcome.DARK_RGB : buffer.offer(record);
        outcomes.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
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
        if (closed || (running != null && !running.isDone())) {
            return false;
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
        long dataWatermark = Math.max(watermark, newestOffered);
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
        running = roundThread.submit(() -> runRound(snapshot, liveNow, dataWatermark, reason));
        return true;
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

    private void runRound(ReplayBuffer.Snapshot snapshot, ModelVersion liveNow, long dataWatermark, String reason) {
        long started = System.nanoTime();
        long version = Math.max(catalog.latestVersion(config.family()), liveNow == null ? 0 : liveNow.getVersion()) + 1;
        Map<String, Double> metrics = new LinkedHashMap<>();
        try {
            Start start = warmStart(liveNow, snapshot);
            byte[] warm = start.weights();
            metrics.put("train.fromAnchor", start.fromAnchor() ? 1.0 : 0.0);
            TrainingRound round = new TrainingRound(config.round(), tensors, this::progress);
            long seed = RunSeeds.derive(config.round().seed(), version);
            TrainingRound.Result result;
            try {
                result = round.run(snapshot.train(), snapshot.labels(), warm, seed);
            } catch (IllegalArgumentException e) {
                if (warm == null || !String.valueOf(e.getMessage()).contains("do not fit")) {
                    throw e;
                }
                LOG.warn(
                        "The live version's weights do not fit the configured student ({}); training from fresh weights.",
                        e.getMessage());
                result = round.run(snapshot.train(), snapshot.labels(), null, seed);
            }
            metrics.putAll(result.metrics());
            phase = "gate";
            byte[] onnx = OnnxExporter.exportInt8(result.student());
            Gate.Verdict verdict = judge(onnx, snapshot, liveNow, metrics);
            metrics.putAll(verdict.metrics(config.gateEpsilon()));
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
            ModelVersion record =
                    storeAndSign(StudentBundles.int8(result.student(), onnx, manifest), result.weights(), now);
            boolean publish = verdict.promote() && !closed;
            if (publish) {
                publisher.publish(record);
            }
            catalog.add(record);
            double seconds = (System.nanoTime() - started) / 1e9;
            lastRound = new RoundReport(version, verdict, publish, clock.instant(), seconds, metrics, reason, null);
            LOG.info(
                    "Round for {} v{} done in {} s: {}; {}.",
                    config.family(),
                    version,
                    Math.round(seconds),
                    verdict.reason(),
                    publish
                            ? "published to models (" + record.getBundleSizeBytes() / 1024 + " kB, sha256 "
                                    + record.getSha256().substring(0, 12) + "…)"
                            : "kept in the store only (edgevl models promote " + version + " makes it live)");
        } catch (Abandoned e) {
            double seconds = (System.nanoTime() - started) / 1e9;
            lastRound =
                    new RoundReport(version, null, false, clock.instant(), seconds, metrics, reason, e.getMessage());
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

    private Gate.Verdict judge(
            byte[] candidateOnnx, ReplayBuffer.Snapshot snapshot, ModelVersion liveNow, Map<String, Double> metrics) {
        List<ReplayBuffer.Sample> heldOut = snapshot.heldOut();
        float[][] teacher = heldOut.stream().map(ReplayBuffer.Sample::teacher).toArray(float[][]::new);
        boolean[] candidate;
        double candidateRgb;
        try (OnnxStudent student = new OnnxStudent(candidateOnnx)) {
            candidate = Gate.agrees(embed(student::embed, tensors, heldOut, true), teacher, snapshot.labels());
            candidateRgb = Gate.agreement(embed(student::embed, tensors, heldOut, false), teacher, snapshot.labels());
        }
        OptionalDouble liveAgreement = OptionalDouble.empty();
        if (liveNow != null) {
            // The live version as consumers run it: verified, with the preprocessing its own manifest asks for.
            try (LiveModel live = LiveModel.load(liveNow, verifier, 1)) {
                boolean[] liveAgrees = Gate.agrees(
                        embed(live::embed, new PairTensors(live.spec()), heldOut, true), teacher, snapshot.labels());
                PairedAgreement paired = PairedAgreement.of(candidate, liveAgrees);
                liveAgreement = OptionalDouble.of(paired.otherRate());
                pairedMetrics(metrics, "gate.vsLive", paired, heldOut, candidate, liveAgrees);
            } catch (BundleException e) {
                LOG.warn(
                        "The live {} v{} cannot be loaded ({}); the gate cannot compare against it.",
                        liveNow.getFamily(),
                        liveNow.getVersion(),
                        e.getMessage());
            }
        }
        return gate.decide(
                PairedAgreement.of(candidate, candidate).candidateRate(), candidateRgb, liveAgreement, heldOut.size());
    }

    /**
     * The paired comparison behind a verdict, for the manifest: discordant counts, the p-value of "the candidate is
     * worse by the gate's epsilon or more", and per non-RGB modality both agreement rates and the pairs they are on.
     */
    private void pairedMetrics(
            Map<String, Double> metrics,
            String prefix,
            PairedAgreement paired,
            List<ReplayBuffer.Sample> heldOut,
            boolean[] candidate,
            boolean[] other) {
        metrics.put(prefix + ".pairs", (double) paired.n());
        metrics.put(prefix + ".candidateOnly", (double) paired.candidateOnly());
        metrics.put(prefix + ".otherOnly", (double) paired.otherOnly());
        metrics.put(prefix + ".pWorseByEpsilon", paired.pWorseBy(config.gateEpsilon()));
        Map<String, List<Integer>> byModality = new TreeMap<>();
        for (int i = 0; i < heldOut.size(); i++) {
            String m = heldOut.get(i).record().getPair().getAux().getModality().name();
            byModality.computeIfAbsent(m, k -> new java.util.ArrayList<>()).add(i);
        }
        byModality.forEach((m, rows) -> {
            boolean[] c = new boolean[rows.size()];
            boolean[] o = new boolean[rows.size()];
            for (int k = 0; k < rows.size(); k++) {
                c[k] = candidate[rows.get(k)];
                o[k] = other[rows.get(k)];
            }
            PairedAgreement p = PairedAgreement.of(c, o);
            metrics.put(prefix + "." + m + ".pairs", (double) p.n());
            metrics.put(prefix + "." + m + ".candidate", p.candidateRate());
            metrics.put(prefix + "." + m + ".other", p.otherRate());
        });
    }

    /** A student's embeddings of {@code count} preprocessed images laid end to end. */
    private interface Embedder {
        float[][] embed(float[] images, int count);
    }

    private static float[][] embed(
            Embedder student, PairTensors tensors, List<ReplayBuffer.Sample> samples, boolean nonRgb) {
        float[][] out = new float[samples.size()][];
        for (int from = 0; from < samples.size(); from += EVAL_CHUNK) {
            int to = Math.min(samples.size(), from + EVAL_CHUNK);
            float[][] rows = student.embed(tensors.images(samples, from, to, nonRgb), to - from);
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
            int labelsLeftOut) {}

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
                leftOut.count());
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
