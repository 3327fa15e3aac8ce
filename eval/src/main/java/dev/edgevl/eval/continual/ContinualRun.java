package dev.edgevl.eval.continual;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.RolloutStage;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.config.Settings;
import dev.edgevl.device.fleet.FleetOptions;
import dev.edgevl.device.fleet.FleetSimulator;
import dev.edgevl.distill.Distiller;
import dev.edgevl.distill.DistillerConfig;
import dev.edgevl.distill.RoundListener;
import dev.edgevl.distill.RoundReport;
import dev.edgevl.eval.live.LiveEvaluator;
import dev.edgevl.eval.live.LiveEvent;
import dev.edgevl.eval.live.LiveReport;
import dev.edgevl.eval.live.LiveTally;
import dev.edgevl.eval.live.PairJudge;
import dev.edgevl.inference.BatchAnnotator;
import dev.edgevl.inference.Deployment;
import dev.edgevl.inference.InferenceConfig;
import dev.edgevl.inference.PendingFrame;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.DirectoryModelStore;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.teacher.TeacherConfig;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.model.teacher.TeacherModels;
import dev.edgevl.model.zeroshot.KeyedTokenBucket;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.LiveLabels;
import dev.edgevl.sim.scenario.Scenario;
import dev.edgevl.sim.world.Shape;
import dev.edgevl.sync.FrameSyncConfig;
import dev.edgevl.teacher.labels.LabelRecords;
import dev.edgevl.teacher.requests.TeacherEmbeddings;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adaptive loop without Kafka, in accelerated time: the scenario's fleet rendered by the simulator as fast as the
 * machine goes, frame sync's pairing rules, the stream job's batches ({@link BatchAnnotator}: student, routing, budget),
 * the teacher's embeddings and labels as its service writes them, and the distiller itself ({@link Distiller}: replay
 * buffer, rounds, gate, v0) on its own thread, all configured from the same settings as {@code edgevl local}. Ground
 * truth goes only to the evaluator (the same {@link LiveTally} as a live run), never to the training path.
 *
 * <p>Time is the world's: the distiller's clock is stream time, and a round started at stream time t publishes its
 * version at t + {@link Options#roundLatency} (the loop waits for the round there if it is not done), so a run is a
 * function of the scenario, the seed and the settings, not of how fast the machine trains.
 */
public final class ContinualRun {
    private static final Logger LOG = LoggerFactory.getLogger(ContinualRun.class);
    /** The world's time zero; fixed, so two runs of a seed write the same records. */
    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * @param scenario the world and its fleet (its seed already chosen)
     * @param length stream time to run
     * @param roundLatency stream time from a round's start until its version is live
     * @param settings the same settings {@code edgevl local} runs with (distiller, stream job, frame sync, teacher)
     * @param workDir where the run's model store and checkpoints go
     */
    public record Options(Scenario scenario, Duration length, Duration roundLatency, Settings settings, Path workDir) {}

    /** Where the run stands, for a progress bar. */
    public record Progress(
            Duration world, Duration length, Long liveVersion, Long canaryVersion, long rounds, String phase) {}

    public interface Listener {
        void progress(Progress progress);
    }

    private final Options options;
    private final Listener listener;
    private final StreamClock clock = new StreamClock(EPOCH);
    private final List<ModelVersion> published = new CopyOnWriteArrayList<>();
    private final List<FramePair> batch = new ArrayList<>();
    private final List<TeacherRequest> requests = new ArrayList<>();
    private TeacherModel teacher;
    private InputSpec teacherSpec;
    private InferenceConfig inference;
    private BatchAnnotator annotator;
    private KeyedTokenBucket<String> budget;
    private Distiller distiller;
    private BundleVerifier verifier;
    private LiveTally tally;
    private LiveModel live;
    private LiveModel canary;
    private double canaryThreshold;
    private LiveModel frozen;
    private LabelSet labels;
    private LiveLabels vocabulary;
    private StreamPairing pairing;
    private Instant roundDue;
    private Instant checkDue;
    /** Stream time a backstop check takes (a few seconds of inference in a real distiller). */
    private static final Duration CHECK_LATENCY = Duration.ofSeconds(10);

    private long rounds;
    private long lastProgress;

    private ContinualRun(Options options, Listener listener) {
        this.options = options;
        this.listener = listener;
    }

    /** Runs the loop to the end of {@code options.length} and returns the evaluator's report. */
    public static LiveReport run(Options options, Listener listener) throws Exception {
        return new ContinualRun(options, listener).run();
    }

    private LiveReport run() throws Exception {
        Settings settings = options.settings();
        Scenario world = options.scenario();
        KeyPair keys = Keys.generate();
        verifier = new BundleVerifier(TrustedKeys.of(keys.getPublic()));
        inference = InferenceConfig.from(settings);
        annotator = new BatchAnnotator(inference);
        budget = new KeyedTokenBucket<>(inference.budget());
        pairing = new StreamPairing(FrameSyncConfig.from(settings));
        DistillerConfig distill = DistillerConfig.from(settings.with(
                DistillerConfig.STORE_DIR.key(),
                options.workDir().resolve("models").toString()));
        List<PairJudge> judges = new ArrayList<>();
        try (TeacherModel t = TeacherModels.load(settings)) {
            teacher = t;
            teacherSpec = TeacherConfig.from(settings).inputSpec(teacher.imageSize());
            distiller = new Distiller(
                    distill,
                    new DirectoryModelStore(distill.storeDir()),
                    keys,
                    published::add,
                    clock,
                    RoundListener.NONE);
            LiveLabels liveLabels = LiveLabels.NONE;
            for (String label : Shape.defaultMix()) {
                LabelEmbedding record = LabelRecords.embedded(teacher, label, List.of(), EPOCH);
                liveLabels = liveLabels.apply(label, record);
                distiller.onLabel(label, record);
            }
            vocabulary = liveLabels;
            tally = new LiveTally(LiveEvaluator.Options.of(world.name(), LiveEvent.drifts(world, EPOCH))
                    .from(EPOCH));
            judges.add(PairJudge.teacher(
                    teacher, teacherSpec, () -> vocabulary, PairJudge.Options.TEACHER.direct(), tally.board()));
            ModelVersion v0 = distiller.maybePublishInitial().orElse(null);
            if (v0 != null) {
                distiller.onModel(distill.family(), v0);
                published.clear();
                live = LiveModel.load(v0, verifier, 1);
                frozen = LiveModel.load(v0, verifier, 1);
                judges.add(
                        0,
                        PairJudge.frozen(frozen, () -> vocabulary, PairJudge.Options.FROZEN.direct(), tally.board()));
            } else {
                LOG.warn("No version 0 (the initial student does not fit these settings): no frozen baseline.");
            }
            judges.forEach(tally::addJudge);
            labels = live == null
                    ? LabelSet.empty()
                    : vocabulary.select(live.teacherId(), live.embeddingDim()).labels();

            FleetSimulator fleet =
                    new FleetSimulator(world, FleetOptions.asFastAsPossible(EPOCH, options.length()), this::onFrame);
            fleet.run();
            for (FramePair p : pairing.drain()) {
                onPair(p);
            }
            annotate();
            embed();
            return tally.report();
        } finally {
            if (distiller != null) {
                distiller.close();
            }
            judges.forEach(PairJudge::close);
            if (live != null) {
                live.close();
            }
            if (canary != null) {
                canary.close();
            }
            if (frozen != null) {
                frozen.close();
            }
        }
    }

    /** One frame from the simulator, in capture-time order: the truth to the evaluator, the frame to frame sync. */
    private void onFrame(SensorFrame frame, FrameTruth truth) throws InterruptedException {
        try {
            Instant now = frame.getCaptureTime();
            clock.set(now);
            tally.onTruth(truth);
            for (FramePair p : pairing.offer(frame)) {
                onPair(p);
            }
            if (batch.size() >= inference.batchSize()) {
                annotate();
            }
            if (requests.size() >= 16) {
                embed();
            }
            maybeSwap(now);
            // A round whose version would go live after the run ends could change nothing the run measures.
            boolean inTime = now.plus(options.roundLatency()).isBefore(EPOCH.plus(options.length()));
            if (roundDue == null && inTime && distiller.maybeStartRound()) {
                rounds++;
                roundDue = now.plus(options.roundLatency());
                tally.mark(new LiveEvent(now, LiveEvent.Kind.RETRAIN, "round " + rounds + " started"));
            } else if (roundDue == null
                    && checkDue == null
                    && (distiller.maybeJudgeCanary() || distiller.maybeCheckLive())) {
                checkDue = now.plus(CHECK_LATENCY);
            }
            maybeApplyCheck(now);
            report(now);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("The continual run failed at " + frame.getCaptureTime() + ": " + e, e);
        }
    }

    private void onPair(FramePair p) {
        tally.onPair(p);
        distiller.onPair(p);
        batch.add(p);
    }

    /** The stream job's batch: the live student, the routing rules and each device's budget. */
    private void annotate() throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        Deployment deployment = new Deployment(live, canary, canaryThreshold);
        List<PendingFrame> frames = new ArrayList<>(batch.size());
        for (FramePair p : batch) {
            LiveModel runs = deployment.modelFor(p.getDeviceId());
            InputSpec spec = runs == null ? InputSpec.of(InputSpec.DEFAULT_SIZE, InputSpec.DEFAULT_SIZE) : runs.spec();
            frames.add(PendingFrame.prepare(
                    p.getDeviceId(), p, spec, p.getAux().getCaptureTime().toEpochMilli()));
        }
        batch.clear();
        BatchAnnotator.Result result = annotator.annotate(frames, deployment, labels, clock.instant(), budget::offer);
        for (BatchAnnotator.Annotated a : result.frames()) {
            tally.onAnnotation(a.annotation());
            if (a.request() != null) {
                requests.add(a.request());
            }
        }
    }

    /** The teacher service's batch: RGB frames embedded, records to the distiller's replay buffer. */
    private void embed() {
        if (requests.isEmpty()) {
            return;
        }
        float[][] images = new float[requests.size()][];
        for (int i = 0; i < images.length; i++) {
            images[i] = FramePreprocessor.toInput(requests.get(i).getPair().getRgb(), teacherSpec);
        }
        float[][] embeddings = teacher.encodeImages(images);
        for (int i = 0; i < images.length; i++) {
            distiller.onTeacherEmbedding(
                    TeacherEmbeddings.of(requests.get(i), teacher.id(), embeddings[i], clock.instant()));
        }
        requests.clear();
    }

    /**
     * At the due time of a backstop check or a canary's judgement: wait for it, and apply what it published, if
     * anything (a rollback, a canary going fleet-wide or rolled back).
     */
    private void maybeApplyCheck(Instant now) throws Exception {
        if (checkDue == null || now.isBefore(checkDue)) {
            return;
        }
        distiller.awaitRound(Duration.ofMinutes(30));
        checkDue = null;
        if (!published.isEmpty() && published.get(published.size() - 1).getRollout() == null) {
            tally.mark(new LiveEvent(
                    now,
                    LiveEvent.Kind.GATE,
                    "rolled back to v" + published.get(published.size() - 1).getVersion()));
        }
        makeLive(now);
    }

    /** At a round's due time: wait for it, and make its version live if the gate promoted it. */
    private void maybeSwap(Instant now) throws Exception {
        if (roundDue == null || now.isBefore(roundDue)) {
            return;
        }
        distiller.awaitRound(Duration.ofMinutes(30));
        roundDue = null;
        RoundReport round = distiller.lastRound();
        if (round != null) {
            tally.mark(new LiveEvent(
                    now,
                    LiveEvent.Kind.GATE,
                    "v" + round.version()
                            + (round.published() ? " promoted" : round.failed() ? " failed" : " kept back")));
        }
        makeLive(now);
    }

    /**
     * Applies what the distiller published, in order, as the stream job would: a fleet-wide record swaps the live
     * model; a canary record runs beside it for the devices in its share until a record ends it.
     */
    private void makeLive(Instant now) throws Exception {
        List<ModelVersion> records = List.copyOf(published);
        published.clear();
        for (ModelVersion record : records) {
            distiller.onModel(Rollouts.keyOf(record), record);
            if (record.getRollout() == null) {
                swapFleet(record, now);
            } else {
                applyCanary(record, now);
            }
        }
    }

    private void applyCanary(ModelVersion record, Instant now) throws Exception {
        annotate(); // what arrived before is scored by what ran then
        if (canary != null) {
            canary.close();
            canary = null;
        }
        if (Rollouts.isActiveCanary(record)) {
            canary = LiveModel.load(record, verifier, 1);
            canaryThreshold = record.getRollout().getThreshold();
            tally.mark(new LiveEvent(
                    now,
                    LiveEvent.Kind.GATE,
                    "v" + record.getVersion() + " " + Rollouts.describe(record.getRollout())));
        } else if (record.getRollout().getStage() == RolloutStage.ROLLED_BACK) {
            tally.rolledBack(record.getVersion());
            tally.mark(new LiveEvent(now, LiveEvent.Kind.GATE, "canary v" + record.getVersion() + " rolled back"));
        }
    }

    private void swapFleet(ModelVersion newest, Instant now) throws Exception {
        if (live != null && newest.getVersion() == live.version()) {
            return;
        }
        annotate(); // what arrived before the swap is scored by the version that was live then
        LiveModel next = LiveModel.load(newest, verifier, 1);
        if (live != null) {
            live.close();
        }
        live = next;
        labels = vocabulary.select(live.teacherId(), live.embeddingDim()).labels();
        LOG.info(
                "Stream time {}: {} v{} is live.",
                Duration.between(EPOCH, now),
                newest.getFamily(),
                newest.getVersion());
    }

    private void report(Instant now) {
        long nanos = System.nanoTime();
        if (nanos - lastProgress < 500_000_000L) {
            return;
        }
        lastProgress = nanos;
        Distiller.Status s = distiller.status();
        listener.progress(new Progress(
                Duration.between(EPOCH, now),
                options.length(),
                live == null ? null : live.version(),
                canary == null ? null : canary.version(),
                rounds,
                s.phase()));
    }
}
