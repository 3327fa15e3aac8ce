package dev.edgevl.device.agent;

import dev.edgevl.avro.DeviceHealth;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.bundle.VerifiedBundle;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.preprocess.FrameFormatException;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.LeftOutLabels;
import dev.edgevl.model.zeroshot.LiveLabels;
import dev.edgevl.model.zeroshot.ScoredLabel;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of one device: runs the live student of its family on the device's own frames and reports what it runs.
 *
 * <ul>
 *   <li>Models: every offer of its family is verified by this device against its own trusted keys (SHA-256, key,
 *       Ed25519 signature, record against manifest) and loaded into an ONNX Runtime session of its own, on the
 *       loader's thread, never on the frame path. A good version is swapped in between frames; one that fails is
 *       refused, the running one kept, and the device reports DEGRADED with the reason. The newest offer wins
 *       whatever its number: a rollback is a swap like any other.</li>
 *   <li>Frames: each non-RGB frame is embedded, with the device's latest RGB frame when it was taken within the
 *       pair tolerance, in one call to the model, and scored zero-shot over the live labels. RGB frames are only
 *       remembered for that.</li>
 *   <li>Status: STARTING before the first model, OK while the newest offer is what runs, DEGRADED after a refusal
 *       (until a good version arrives), FAILED when refused with no model to fall back on.</li>
 * </ul>
 * Thread-safe: frames, offers and status reports may come from different threads.
 */
public final class DeviceAgent implements ControlFeed.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceAgent.class);
    /** One line for all the devices of a process when the labels they leave out change: they read the same topic. */
    private static final LeftOutLabels LEFT_OUT = new LeftOutLabels(LOG, "The device agents");

    /** What a device has done since it started. */
    public record Counters(
            long annotated,
            long withoutModel,
            long unreadable,
            long failed,
            long withRgb,
            long rgbAgreements,
            long swaps,
            long refusals,
            long labelsLeftOut) {}

    private final String deviceId;
    private final String family;
    private final BundleVerifier verifier;
    private final int engineThreads;
    private final long pairToleranceMicros;
    private final Executor loader;
    private final StatusSink status;
    private final Clock clock;

    private final ModelSlot<LiveModel> slot = new ModelSlot<>();
    private volatile LiveLabels labels = LiveLabels.NONE;
    private volatile LiveLabels.Selection selection;
    private volatile SensorFrame lastRgb;
    private volatile LocalAnnotation lastAnnotation;

    private final AtomicReference<ModelOffer> pending = new AtomicReference<>();
    // Guarded by this: the newest fleet-wide and canary offers of the family.
    private ModelOffer fleetOffer;
    private ModelOffer canaryOffer;
    private final Object reportOrder = new Object();
    private final AtomicBoolean draining = new AtomicBoolean();

    // Guarded by this: what the status reports besides the model.
    private Instant lastSwapTime;
    private String lastError;
    private boolean refusedNewest;
    private boolean closed;

    private final AtomicLong annotated = new AtomicLong();
    private final AtomicLong withoutModel = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong withRgb = new AtomicLong();
    private final AtomicLong rgbAgreements = new AtomicLong();
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();

    /**
     * @param trustedKeys the keys this device accepts signatures of; another device may trust others
     * @param loader      where offers are verified and loaded (shared by the devices of a process; a direct executor in tests)
     */
    public DeviceAgent(
            String deviceId,
            AgentConfig config,
            TrustedKeys trustedKeys,
            Executor loader,
            StatusSink status,
            Clock clock) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.family = config.family();
        this.verifier = new BundleVerifier(trustedKeys);
        this.engineThreads = config.engineThreads();
        this.pairToleranceMicros = config.pairTolerance().toNanos() / 1_000;
        this.loader = Objects.requireNonNull(loader, "loader");
        this.status = Objects.requireNonNull(status, "status");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String deviceId() {
        return deviceId;
    }

    // ---- models and labels ------------------------------------------------------------------------------------------

    /**
     * Queues the offer for verification; only the newest one waiting is looked at, older ones are overtaken. The
     * family's fleet-wide and canary offers are both remembered, and the one this device runs is queued: the canary
     * while it is active and the device is in its share ({@link Rollouts#choose}), else the fleet-wide one.
     */
    @Override
    public void onModel(ModelOffer offer) {
        if (!family.equals(offer.family())) {
            return;
        }
        ModelOffer mine;
        synchronized (this) {
            if (offer.canary()) {
                canaryOffer = offer;
            } else {
                fleetOffer = offer;
            }
            ModelVersion fleet = fleetOffer == null ? null : fleetOffer.record();
            ModelVersion canary = canaryOffer == null ? null : canaryOffer.record();
            mine = canary != null && Rollouts.choose(deviceId, fleet, canary) == canary ? canaryOffer : fleetOffer;
        }
        if (mine == null) {
            return;
        }
        pending.set(mine);
        scheduleDrain();
    }

    @Override
    public void onLabels(LiveLabels live) {
        labels = Objects.requireNonNull(live, "labels");
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            try {
                loader.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false); // shutting down: the offer is moot
            }
        }
    }

    private void drain() {
        try {
            ModelOffer offer;
            while ((offer = pending.getAndSet(null)) != null && !isClosed()) {
                try {
                    consider(offer);
                } catch (RuntimeException e) {
                    LOG.error("Device {} failed while considering {}: {}", deviceId, offer.describe(), e.toString(), e);
                }
            }
        } finally {
            draining.set(false);
        }
        if (pending.get() != null && !isClosed()) {
            scheduleDrain(); // an offer came in after the loop looked
        }
    }

    private void consider(ModelOffer offer) {
        ModelVersion record = offer.record();
        if (record == null) {
            refuse(offer, offer.problem(), null);
            return;
        }
        LiveModel candidate;
        try {
            VerifiedBundle verified = verifier.verify(record);
            LiveModel running = slot.peek();
            if (running != null
                    && running.version() == record.getVersion()
                    && running.sha256().equalsIgnoreCase(verified.sha256Hex())) {
                keep(running);
                return;
            }
            candidate = LiveModel.load(record, verifier, engineThreads);
        } catch (RuntimeException e) {
            refuse(offer, Refusals.why(e), e);
            return;
        }
        install(candidate);
    }

    private void install(LiveModel candidate) {
        LiveModel previous;
        synchronized (this) {
            if (closed) {
                candidate.close();
                return;
            }
            previous = slot.swap(candidate);
            lastSwapTime = clock.instant();
            lastError = null;
            refusedNewest = false;
        }
        swaps.incrementAndGet();
        LOG.info(
                "Device {} now runs {} v{} (was {}).",
                deviceId,
                candidate.family(),
                candidate.version(),
                previous == null ? "no model" : "v" + previous.version());
        report();
    }

    /** The newest offer is what already runs (republished, or a rollback to it after a refusal): nothing to load. */
    private void keep(LiveModel running) {
        boolean recovered;
        synchronized (this) {
            recovered = refusedNewest;
            refusedNewest = false;
            lastError = null;
        }
        if (recovered) {
            LOG.info(
                    "Device {} is back to OK: the newest {} record is v{}, which it runs.",
                    deviceId,
                    family,
                    running.version());
            report();
        }
    }

    private void refuse(ModelOffer offer, String why, RuntimeException detail) {
        LiveModel running = slot.peek();
        String keeps = running == null ? "no model runs yet" : "keeps v" + running.version();
        synchronized (this) {
            lastError = "Refused " + offer.describe() + ": " + why + "; " + keeps + ".";
            refusedNewest = true;
        }
        refusals.incrementAndGet();
        LOG.warn("Device {} refused {}: {}; {}.", deviceId, offer.describe(), why, keeps);
        if (detail != null && LOG.isDebugEnabled()) {
            LOG.debug("Device {} refused {} ({}): {}", deviceId, offer.describe(), offer.origin(), detail.getMessage());
        }
        report();
    }

    // ---- frames -----------------------------------------------------------------------------------------------------

    /**
     * Annotates a frame of this device with the model running now. RGB frames are kept as partners for the next
     * non-RGB frame and give nothing back; so does any frame before the first model, or one whose bytes cannot be read.
     */
    public Optional<LocalAnnotation> annotate(SensorFrame frame) {
        if (!deviceId.equals(frame.getDeviceId())) {
            throw new IllegalArgumentException("device " + deviceId + " was given a frame of " + frame.getDeviceId());
        }
        if (frame.getModality() == Modality.RGB) {
            lastRgb = frame;
            return Optional.empty();
        }
        ModelSlot.Lease<LiveModel> lease = slot.acquire();
        if (lease == null) {
            withoutModel.incrementAndGet();
            return Optional.empty();
        }
        try (lease) {
            return Optional.of(annotate(frame, lease.model()));
        } catch (FrameFormatException e) {
            if (unreadable.getAndIncrement() % 100 == 0) {
                LOG.warn(
                        "Device {} cannot read its own frame {}#{} ({} so far): {}",
                        deviceId,
                        frame.getSensorId(),
                        frame.getSequence(),
                        unreadable.get(),
                        e.getMessage());
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            // The model would not run on this frame; the device goes on with the next one.
            if (failed.getAndIncrement() % 100 == 0) {
                LOG.warn(
                        "Device {} could not annotate {}#{} ({} failures so far): {}",
                        deviceId,
                        frame.getSensorId(),
                        frame.getSequence(),
                        failed.get(),
                        e.toString());
            }
            return Optional.empty();
        }
    }

    private LocalAnnotation annotate(SensorFrame frame, LiveModel model) {
        InputSpec spec = model.spec();
        SensorFrame rgb = partnerOf(frame);
        float[] input = new float[(rgb == null ? 1 : 2) * spec.size()];
        FramePreprocessor.toInput(frame, spec, input, 0);
        if (rgb != null) {
            try {
                FramePreprocessor.toInput(rgb, spec, input, spec.size());
            } catch (FrameFormatException e) {
                unreadable.incrementAndGet();
                rgb = null;
            }
        }
        Modality[] modalities =
                rgb == null ? new Modality[] {frame.getModality()} : new Modality[] {frame.getModality(), Modality.RGB};
        long start = System.nanoTime();
        float[][] embeddings = model.embed(modalities, input);
        long nanos = System.nanoTime() - start;

        LabelSet set = labelsFor(model);
        String label = null;
        String rgbLabel = null;
        double probability = Double.NaN;
        if (!set.isEmpty()) {
            ScoredLabel top = ZeroShotClassifier.classify(embeddings[0], set, 1).top1();
            label = top.label();
            probability = top.probability();
            if (rgb != null) {
                rgbLabel = ZeroShotClassifier.classify(embeddings[1], set, 1)
                        .top1()
                        .label();
                rgbAgreements.addAndGet(rgbLabel.equals(label) ? 1 : 0);
            }
        }
        annotated.incrementAndGet();
        withRgb.addAndGet(rgb == null ? 0 : 1);
        LocalAnnotation a = new LocalAnnotation(
                deviceId,
                frame.getSensorId(),
                frame.getSequence(),
                frame.getCaptureTime(),
                model.family(),
                model.version(),
                label,
                probability,
                rgbLabel,
                set.isEmpty() ? null : set.version(),
                nanos);
        lastAnnotation = a;
        return a;
    }

    /** The live labels the model can score with; selections are kept per snapshot, so this is cheap per frame. */
    private LabelSet labelsFor(LiveModel model) {
        LiveLabels.Selection now = labels.select(model.teacherId(), model.embeddingDim());
        if (now != selection) {
            selection = now;
            LEFT_OUT.note(now);
        }
        return now.labels();
    }

    private SensorFrame partnerOf(SensorFrame frame) {
        SensorFrame rgb = lastRgb;
        if (rgb == null || rgb.getCaptureTime() == null || frame.getCaptureTime() == null) {
            return null;
        }
        long apart = Math.abs(ChronoUnit.MICROS.between(rgb.getCaptureTime(), frame.getCaptureTime()));
        return apart <= pairToleranceMicros ? rgb : null;
    }

    // ---- status -----------------------------------------------------------------------------------------------------

    /** The report this device would send now. */
    public synchronized DeviceStatus status() {
        LiveModel model = slot.peek();
        DeviceHealth health = model == null
                ? (refusedNewest ? DeviceHealth.FAILED : DeviceHealth.STARTING)
                : (refusedNewest ? DeviceHealth.DEGRADED : DeviceHealth.OK);
        return DeviceStatus.newBuilder()
                .setDeviceId(deviceId)
                .setHealth(health)
                .setModelFamily(model == null ? null : model.family())
                .setModelVersion(model == null ? null : model.version())
                .setLastSwapTime(lastSwapTime == null ? null : lastSwapTime.truncatedTo(ChronoUnit.MILLIS))
                .setFramesAnnotated(annotated.get())
                .setLastError(lastError)
                .setReportTime(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    /** Sends {@link #status()} to the status sink; a failing sink is logged, never thrown into the frame or load path. */
    public void report() {
        // One report at a time, made and sent together: a periodic report made just before a swap must not reach
        // fleet.status after the swap's own report and leave the old version there until the next period.
        synchronized (reportOrder) {
            try {
                status.report(status());
            } catch (RuntimeException e) {
                LOG.warn("Device {} could not report its status: {}", deviceId, e.toString());
            }
        }
    }

    /** The version running now; empty before the first model. */
    public Optional<Long> modelVersion() {
        LiveModel model = slot.peek();
        return model == null ? Optional.empty() : Optional.of(model.version());
    }

    public Optional<LocalAnnotation> lastAnnotation() {
        return Optional.ofNullable(lastAnnotation);
    }

    public Counters counters() {
        return new Counters(
                annotated.get(),
                withoutModel.get(),
                unreadable.get(),
                failed.get(),
                withRgb.get(),
                rgbAgreements.get(),
                swaps.get(),
                refusals.get(),
                selection == null ? 0 : selection.leftOut().size());
    }

    /** Waits until no offer is waiting or being loaded; for tests and orderly shutdown. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (draining.get() || pending.get() != null) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Stops taking offers and closes the session once the frame using it (if any) is done. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        slot.close();
    }

    @Override
    public String toString() {
        LiveModel model = slot.peek();
        return "device " + deviceId + " (" + (model == null ? "no model" : model.family() + " v" + model.version())
                + ")";
    }
}
