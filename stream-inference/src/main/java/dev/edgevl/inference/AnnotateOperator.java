package dev.edgevl.inference;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.config.Settings;
import dev.edgevl.model.bundle.BundleException;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.LeftOutLabels;
import dev.edgevl.model.zeroshot.LiveLabels;
import dev.edgevl.model.zeroshot.TokenBucket;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.DeadLetters;
import dev.edgevl.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the job: annotates frame pairs with the live student, in batches, and takes model versions and label
 * embeddings from a {@link ControlFeed} that every instance reads for itself. With one input it runs in the frame
 * source's task (chained to it and to the sinks): a pair is never serialised between them.
 *
 * <ul>
 *   <li>Batching: pairs are decoded and preprocessed on arrival and buffered; the buffer runs through the student when
 *       it holds {@code batchSize} pairs, {@code batchTimeout} after its first pair, before a checkpoint barrier (so a
 *       checkpoint never holds half-processed frames), before a model swap, and at the end of input. Watermarks that
 *       arrive while frames are buffered are held back until those frames are out.</li>
 *   <li>Control: at start an instance waits until it has read every {@code models} and {@code labels.embedded}
 *       record already written ({@code inference.control.catch-up-timeout}) and applies the newest per key (for its
 *       family, the newest that verifies); later records apply between frames as they arrive.</li>
 *   <li>Models: the latest {@code models} record of the configured family is verified (SHA-256, trusted key,
 *       signature) and loaded; one that fails is refused with a log line and the live one kept. The accepted record
 *       is kept in operator state, so a restore loads the same version. During a staged rollout the family's canary
 *       record (key {@code FAMILY/canary}) is loaded beside it, and the devices in the canary's share (a stable hash
 *       of the device key, {@link Rollouts}) are annotated by the canary; when the canary ends (promoted or rolled
 *       back) they go back to the fleet-wide record.</li>
 *   <li>Labels: {@code labels.embedded} records add or replace a label, tombstones remove it; the records are in
 *       operator state too. Labels the live model cannot score with (an all-zero, NaN or wrongly sized embedding,
 *       another teacher's) are left out by {@link LiveLabels}, with a log line and the {@code labelsLeftOut} gauge;
 *       no label record stops the job.</li>
 *   <li>Routing: a frame the student is unsure of (or, before the first model, any frame; or an exploration pick)
 *       goes to {@code teacher.requests} if its device's token bucket allows ({@link DeviceBudgets}, operator state).</li>
 *   <li>Bad input (undecodable value, no device key, pixels that do not match their header) goes to
 *       {@code frames.paired.dlq} with the reason, and the job carries on.</li>
 * </ul>
 */
final class AnnotateOperator extends AbstractStreamOperator<Outgoing>
        implements OneInputStreamOperator<KafkaBytes, Outgoing>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AnnotateOperator.class);
    static final String STAGE = "stream-inference";
    private static final String MODEL_KEY = "model/";
    private static final String LABEL_KEY = "label/";
    /**
     * Every annotation's dedupe key header, {@code deviceId/auxSensorId/auxSequence}: a {@code read_uncommitted}
     * consumer of {@code frames.annotated} sees each annotation at once, and after a job failure some twice.
     */
    public static final String PAIR_HEADER = "edgevl.pair";
    /** How often the log sums up the pairs shed while the job sheds. */
    static final Duration SHED_REPORT = Duration.ofSeconds(30);

    /** How often an instance looks for new control records when no frame comes. */
    private static final long CONTROL_POLL_MILLIS = 100;

    static final MapStateDescriptor<String, byte[]> CONTROL_STATE = new MapStateDescriptor<>(
            "edgevl-control", Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final InferenceConfig config;
    private final Map<String, String> settings;
    private final List<String> trustedKeyPems;
    private final BatchAnnotator annotator;
    private final ControlFeed.Factory controlFeed;

    private transient AvroSerdes serdes;
    private transient Deserializer<FramePair> pairs;
    private transient Deserializer<GenericRecord> heads;
    private transient Deserializer<ModelVersion> models;
    private transient Deserializer<LabelEmbedding> labelEmbeddings;
    private transient Serializer<Annotation> annotations;
    private transient Serializer<TeacherRequest> requests;
    private transient BundleVerifier verifier;
    private transient BroadcastState<String, byte[]> control;
    private transient ListState<Tuple3<String, Long, Long>> budgetState;
    private transient DeviceBudgets budgets;
    private transient ControlFeed feed;
    private transient InferenceMetrics metrics;

    private transient List<PendingFrame> buffer;
    /** SHED annotations of pairs that came while frames were buffered, in arrival order. */
    private transient List<Shed> sheds;

    private transient ScheduledFuture<?> flushTimer;
    private transient Watermark heldWatermark;
    /** Which pairs to shed; null when {@code inference.shed-after} is 0. */
    private transient ShedPolicy shedPolicy;
    /** Since when the pairs shed are being counted for the log; -1 while the job keeps up. */
    private transient long shedReportStart;
    /** Pairs shed, those of them shed on time to catch up, and the most a pair was late, since {@link #shedReportStart}. */
    private transient long shedInReport;

    private transient long shedToCatchUpInReport;
    private transient long shedMaxBehind;

    private transient LiveModel model;
    private transient LiveModel canary;
    private transient double canaryThreshold;
    private transient LiveLabels labels;
    private transient LeftOutLabels leftOut;
    private transient LabelSet labelSet;

    /**
     * @param controlFeed where the instance reads models and labels; null for none (a test hands it records through
     *     {@link #accept})
     */
    AnnotateOperator(
            InferenceConfig config,
            Map<String, String> settings,
            List<String> trustedKeyPems,
            ControlFeed.Factory controlFeed) {
        this.config = config;
        this.controlFeed = controlFeed;
        this.settings = Map.copyOf(settings);
        this.trustedKeyPems = List.copyOf(trustedKeyPems);
        this.annotator = new BatchAnnotator(config);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        control = context.getOperatorStateStore().getBroadcastState(CONTROL_STATE);
        budgetState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(
                        "teacher-budgets", Types.TUPLE(Types.STRING, Types.LONG, Types.LONG)));
        budgets = new DeviceBudgets(config.budget());
        budgets.restore(budgetState.get());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        budgetState.update(budgets.snapshot(
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0,
                getProcessingTimeService().getCurrentProcessingTime()));
    }

    @Override
    public void open() throws Exception {
        super.open();
        serdes = AvroSerdes.fromSettings(Settings.of(settings));
        pairs = serdes.valueSerde(Topics.FRAMES_PAIRED).deserializer();
        heads = serdes.projection(PairHead.PROJECTION);
        models = serdes.valueSerde(Topics.MODELS).deserializer();
        labelEmbeddings = serdes.valueSerde(Topics.LABELS_EMBEDDED).deserializer();
        annotations = serdes.valueSerde(Topics.FRAMES_ANNOTATED).serializer();
        requests = serdes.valueSerde(Topics.TEACHER_REQUESTS).serializer();
        verifier = new BundleVerifier(TrustedKeys.fromPem(trustedKeyPems.toArray(String[]::new)));
        buffer = new ArrayList<>(config.batchSize());
        sheds = new ArrayList<>();
        shedPolicy = config.shedAfter().isZero()
                ? null
                : new ShedPolicy(config.shedAfter().toMillis());
        shedReportStart = -1;
        labels = LiveLabels.NONE;
        leftOut = new LeftOutLabels(LOG, "The stream job");
        metrics = new InferenceMetrics(
                getMetricGroup(),
                () -> model == null ? -1 : model.version(),
                () -> labelSet == null ? 0 : labelSet.size(),
                () -> leftOut.count(),
                () -> shedPolicy == null ? 1.0 : shedPolicy.share());
        restoreControlState();
        if (controlFeed != null) {
            openControlFeed();
        }
    }

    private void openControlFeed() throws Exception {
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        feed = controlFeed.open("edgevl-job-control-" + config.groupId() + "-" + subtask);
        long start = System.nanoTime();
        boolean caughtUp = feed.awaitCaughtUp(config.controlCatchUp());
        List<Control> read = feed.drain();
        catchUp(read);
        if (caughtUp) {
            LOG.info(
                    "Read {} models and labels.embedded records in {} ms: {}, {} labels.",
                    read.size(),
                    (System.nanoTime() - start) / 1_000_000,
                    model == null ? "no model yet" : model,
                    labelSet.size());
        } else {
            LOG.warn(
                    "Not caught up with models and labels.embedded after {} ({} records read): annotating with {} and"
                            + " {} labels until the rest arrives.",
                    config.controlCatchUp(),
                    read.size(),
                    model == null ? "no model (NO_MODEL)" : model,
                    labelSet.size());
        }
        scheduleControlPoll();
    }

    private void scheduleControlPoll() {
        long at = getProcessingTimeService().getCurrentProcessingTime() + CONTROL_POLL_MILLIS;
        getProcessingTimeService().registerTimer(at, time -> {
            pollControl();
            scheduleControlPoll();
        });
    }

    private void pollControl() throws Exception {
        for (Control c : feed.drain()) {
            accept(c);
        }
    }

    /**
     * Applies what a start reads: per label the newest record; of the family's records the newest that verifies
     * (older ones only when a newer one is refused), then the canary's newest. A record the restored state already
     * holds is not applied again.
     */
    private void catchUp(List<Control> read) throws Exception {
        Map<String, Control> newestLabels = new LinkedHashMap<>();
        List<Control> family = new ArrayList<>();
        Control canaryRecord = null;
        for (Control c : read) {
            if (c.key() == null) {
                continue;
            }
            if (c.kind() == Control.Kind.LABEL) {
                newestLabels.remove(c.key());
                newestLabels.put(c.key(), c);
            } else if (c.key().equals(config.family())) {
                family.add(c);
            } else if (c.key().equals(Rollouts.canaryKey(config.family()))) {
                canaryRecord = c;
            }
        }
        for (Control c : newestLabels.values()) {
            if (!Arrays.equals(c.value(), control.get(LABEL_KEY + c.key()))) {
                onLabel(c);
            }
        }
        byte[] restored = control.get(MODEL_KEY + config.family());
        for (int i = family.size() - 1; i >= 0; i--) {
            Control c = family.get(i);
            if (c.value() == null) {
                continue;
            }
            if (Arrays.equals(c.value(), restored) || onModel(c)) {
                break;
            }
        }
        if (canaryRecord != null && !Arrays.equals(canaryRecord.value(), control.get(MODEL_KEY + canaryRecord.key()))) {
            onCanary(canaryRecord);
        }
    }

    /**
     * After a restore every instance finds the control state it checkpointed: load that model and those labels again.
     * What no longer loads (a key no longer trusted, a record this build cannot read) is logged and left out, as it
     * would be when it arrived: a restore never fails on data.
     */
    private void restoreControlState() throws Exception {
        for (Map.Entry<String, byte[]> e : control.entries()) {
            if (e.getKey().startsWith(LABEL_KEY)) {
                applyLabel(e.getKey().substring(LABEL_KEY.length()), e.getValue());
            }
        }
        byte[] modelRecord = control.get(MODEL_KEY + config.family());
        if (modelRecord != null) {
            model = load(modelRecord, "the checkpointed model", "frames stay NO_MODEL until the next models record");
            if (model != null) {
                LOG.info("Restored {} from the checkpoint; {} labels.", model, labels.size());
            }
        }
        byte[] canaryRecord = control.get(MODEL_KEY + Rollouts.canaryKey(config.family()));
        if (canaryRecord != null) {
            applyCanary(canaryRecord, "the checkpointed canary");
        }
        rebuildLabelSet();
    }

    // ---- frame pairs ----------------------------------------------------------------------------------------------

    @Override
    public void processElement(StreamRecord<KafkaBytes> element) throws Exception {
        if (feed != null) {
            pollControl();
        }
        KafkaBytes record = element.getValue();
        metrics.framesIn.inc();
        long start = System.nanoTime();
        PendingFrame frame = null;
        PairHead toShed = null;
        try {
            String device = record.keyText();
            if (device == null || device.isBlank()) {
                throw new IllegalArgumentException("the record has no device id as its key");
            }
            if (record.value == null) {
                throw new IllegalArgumentException("the record has no value (a tombstone on frames.paired)");
            }
            if (shedPolicy != null) {
                // Who and when first, without the pixels: a pair shed needs no more.
                PairHead head = PairHead.of(heads.deserialize(record.topic, record.value));
                requireDevice(device, head.deviceId());
                if (shedding(device, head.ingestMillis(record.timestamp))) {
                    toShed = head;
                    metrics.decodeNanos.inc(System.nanoTime() - start);
                }
            }
            if (toShed == null) {
                FramePair pair = pairs.deserialize(record.topic, record.value);
                long decoded = System.nanoTime();
                metrics.decodeNanos.inc(decoded - start);
                requireDevice(device, pair.getDeviceId());
                LiveModel runs = deployment().modelFor(device);
                frame = PendingFrame.prepare(
                        device, pair, runs == null ? InputSpec.DEFAULT : runs.spec(), record.timestamp);
                metrics.preprocessNanos.inc(System.nanoTime() - decoded);
            }
        } catch (RuntimeException e) {
            deadLetter(record, e);
            return;
        }
        if (toShed != null) {
            shed(toShed, record.timestamp);
            return;
        }
        buffer.add(frame);
        if (buffer.size() >= config.batchSize()) {
            flush();
        } else if (flushTimer == null) {
            long at = getProcessingTimeService().getCurrentProcessingTime()
                    + config.batchTimeout().toMillis();
            flushTimer = getProcessingTimeService().registerTimer(at, time -> {
                flushTimer = null;
                flush();
            });
        }
    }

    private static void requireDevice(String key, String pairDevice) {
        if (!key.equals(pairDevice)) {
            throw new IllegalArgumentException("the record key " + key + " is not the pair's device " + pairDevice);
        }
    }

    /**
     * Whether to shed the pair, by {@link ShedPolicy}: reached longer than {@code inference.shed-after} after it was
     * paired, or on time but outside the share the job annotates while it catches up. The log says when shedding
     * starts, how much was shed every {@link #SHED_REPORT} while it goes on, and when a whole such period passed without
     * any (pairs of partitions read at different lags alternate, so single pairs say nothing).
     */
    private boolean shedding(String device, long ingestMillis) {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        long behind = now - ingestMillis;
        ShedPolicy.Decision decision = shedPolicy.decide(device, behind, now);
        boolean shed = decision != ShedPolicy.Decision.ANNOTATE;
        if (shed) {
            if (shedReportStart < 0) {
                LOG.warn(
                        "The job is falling behind (it reached a pair {} ms after it was paired; inference.shed-after"
                                + " {} ms): it sheds pairs (SHED annotations, no model run) until it catches up.",
                        behind,
                        config.shedAfter().toMillis());
                shedReportStart = now;
            }
            shedInReport++;
            if (decision == ShedPolicy.Decision.SHED_SHARE) {
                shedToCatchUpInReport++;
                metrics.shedToCatchUp.inc();
            }
            shedMaxBehind = Math.max(shedMaxBehind, behind);
        }
        if (shedReportStart >= 0 && now - shedReportStart >= SHED_REPORT.toMillis()) {
            if (shedInReport > 0) {
                LOG.info(
                        "Shed {} pairs in the last {} s: {} reached longer than inference.shed-after after they were"
                                + " paired (up to {} ms), {} on time to catch up; annotating {}% of the pairs on time.",
                        shedInReport,
                        (now - shedReportStart) / 1000,
                        shedInReport - shedToCatchUpInReport,
                        shedMaxBehind,
                        shedToCatchUpInReport,
                        Math.round(100 * shedPolicy.share()));
                shedReportStart = now;
            } else {
                LOG.info("Caught up: no pair shed in the last {} s.", (now - shedReportStart) / 1000);
                shedReportStart = -1;
            }
            shedInReport = 0;
            shedToCatchUpInReport = 0;
            shedMaxBehind = 0;
        }
        return shed;
    }

    /**
     * Emits the SHED annotation of a pair after the frames buffered before it: at once when none is, else with them when
     * the batch runs (a shed pair does not cut the batch short, so a job that sheds still runs full batches).
     */
    private void shed(PairHead pair, long recordMillis) throws Exception {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        Annotation a = AnnotationRecords.shed(pair, pair.ingestMillis(recordMillis), Instant.ofEpochMilli(now));
        long timestamp = pair.capture().toEpochMilli();
        StreamRecord<Outgoing> out = new StreamRecord<>(
                new Outgoing(
                        Topics.FRAMES_ANNOTATED.name(),
                        pair.deviceId().getBytes(StandardCharsets.UTF_8),
                        annotations.serialize(Topics.FRAMES_ANNOTATED.name(), a),
                        timestamp,
                        Map.of(PAIR_HEADER, pair.id())),
                timestamp);
        metrics.shed.inc();
        if (buffer.isEmpty()) {
            output.collect(out);
        } else {
            sheds.add(new Shed(buffer.size(), out));
        }
    }

    /** A SHED annotation waiting for the batch to run: it goes out after the batch's first {@code after} frames. */
    private record Shed(int after, StreamRecord<Outgoing> out) {}

    private void deadLetter(KafkaBytes record, RuntimeException error) {
        metrics.deadLettered.inc();
        LOG.warn("Sent {} to {}: {}", record, DeadLetters.topicFor(record.topic), error.getMessage());
        Map<String, String> headers = DeadLetters.headers(
                new DeadLetters.Source(record.topic, record.partition, record.offset, record.timestamp),
                error,
                STAGE,
                Instant.ofEpochMilli(getProcessingTimeService().getCurrentProcessingTime()));
        output.collect(new StreamRecord<>(
                new Outgoing(DeadLetters.topicFor(record.topic), record.key, record.value, record.timestamp, headers),
                record.timestamp));
    }

    /** Runs the buffer through the student and emits every frame's annotation (and teacher request). */
    void flush() throws Exception {
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        if (buffer.isEmpty()) {
            releaseWatermark();
            return;
        }
        List<PendingFrame> batch = buffer;
        buffer = new ArrayList<>(config.batchSize());
        long nowMillis = getProcessingTimeService().getCurrentProcessingTime();
        long start = System.nanoTime();
        BatchAnnotator.Result result =
                annotator.annotate(batch, deployment(), labelSet, Instant.ofEpochMilli(nowMillis), this::offer);
        long annotated = System.nanoTime();
        List<Shed> shedBetween = sheds;
        sheds = new ArrayList<>();
        int nextShed = 0;
        for (int i = 0; i < result.frames().size(); i++) {
            for (; nextShed < shedBetween.size() && shedBetween.get(nextShed).after() <= i; nextShed++) {
                output.collect(shedBetween.get(nextShed).out());
            }
            BatchAnnotator.Annotated a = result.frames().get(i);
            long timestamp = a.frame().captureMillis();
            byte[] key = a.frame().deviceId().getBytes(StandardCharsets.UTF_8);
            byte[] value = annotations.serialize(Topics.FRAMES_ANNOTATED.name(), a.annotation());
            Annotation an = a.annotation();
            String pair = an.getDeviceId() + "/" + an.getAuxSensorId() + "/" + an.getAuxSequence();
            output.collect(new StreamRecord<>(
                    new Outgoing(Topics.FRAMES_ANNOTATED.name(), key, value, timestamp, Map.of(PAIR_HEADER, pair)),
                    timestamp));
            if (a.request() != null) {
                output.collect(new StreamRecord<>(
                        new Outgoing(
                                Topics.TEACHER_REQUESTS.name(),
                                key,
                                requests.serialize(Topics.TEACHER_REQUESTS.name(), a.request()),
                                timestamp,
                                null),
                        timestamp));
            }
            metrics.annotated(a.request() != null, nowMillis - timestamp);
        }
        for (; nextShed < shedBetween.size(); nextShed++) {
            output.collect(shedBetween.get(nextShed).out());
        }
        metrics.batch(batch.size(), result.inferenceNanos(), annotated - start, System.nanoTime() - annotated);
        releaseWatermark();
    }

    /** Charges the device's bucket for a frame that wants to go to the teacher (and credits it for every frame). */
    private boolean offer(String deviceId, TokenBucket.Ask ask) {
        return budgets.offer(deviceId, ask, getProcessingTimeService().getCurrentProcessingTime());
    }

    // ---- models and labels ----------------------------------------------------------------------------------------

    /** Applies one {@code models} or {@code labels.embedded} record, between frames. */
    void accept(Control c) throws Exception {
        switch (c.kind()) {
            case MODEL -> {
                if (c.key() != null && c.key().equals(Rollouts.canaryKey(config.family()))) {
                    onCanary(c);
                } else {
                    onModel(c);
                }
            }
            case LABEL -> onLabel(c);
            default -> throw new IllegalStateException("unknown control kind " + c.kind());
        }
    }

    private Deployment deployment() {
        return new Deployment(model, canary, canaryThreshold);
    }

    /** A record on the family's key; true when its version now annotates. */
    private boolean onModel(Control c) throws Exception {
        if (c.value() == null || !config.family().equals(c.key())) {
            return false; // another family's record, or a cleanup tombstone: nothing for this job
        }
        LiveModel candidate = load(
                c.value(),
                "the model record " + c,
                "keeping " + (model == null ? "no model (frames stay NO_MODEL)" : model));
        if (candidate == null) {
            return false;
        }
        flush(); // the frames that arrived before the swap are annotated by the model they arrived under
        LiveModel previous = model;
        model = candidate;
        control.put(MODEL_KEY + config.family(), c.value());
        rebuildLabelSet();
        metrics.modelSwaps.inc();
        LOG.info("Now annotating with {} (was {}).", model, previous == null ? "no model" : previous);
        if (previous != null) {
            previous.close();
        }
        if (canary != null && canary.version() == model.version()) {
            endCanary("it is the fleet-wide version now");
        }
        return true;
    }

    /**
     * A record on the family's canary key: an active canary is verified and loaded for the devices in its share; an
     * ended one (promoted, rolled back), a tombstone or a canary of the fleet-wide version puts them back on the
     * fleet-wide model.
     */
    private void onCanary(Control c) throws Exception {
        if (c.value() == null) {
            endCanary("its record was removed");
            control.remove(MODEL_KEY + c.key());
            return;
        }
        if (applyCanary(c.value(), "the canary record " + c)) {
            control.put(MODEL_KEY + c.key(), c.value());
        } else {
            control.remove(MODEL_KEY + c.key());
        }
    }

    /** Applies a canary record; true when a canary now runs from it. */
    private boolean applyCanary(byte[] value, String what) throws Exception {
        ModelVersion record;
        try {
            record = models.deserialize(Topics.MODELS.name(), value);
        } catch (RuntimeException e) {
            metrics.modelsRefused.inc();
            LOG.warn("Refused {}: it cannot be decoded ({}); {}.", what, e.getMessage(), canaryState());
            return false;
        }
        if (!Rollouts.isActiveCanary(record) || (model != null && model.version() == record.getVersion())) {
            String stage = record.getRollout() == null
                    ? "it carries no rollout"
                    : record.getRollout().getStage()
                            + (record.getRollout().getReason() == null
                                    ? ""
                                    : " (" + record.getRollout().getReason() + ")");
            endCanary("v" + record.getVersion() + " " + stage);
            return false;
        }
        if (canary != null && canary.version() == record.getVersion()) {
            return true;
        }
        LiveModel candidate = load(value, what, canaryState());
        if (candidate == null) {
            return false;
        }
        if (model != null
                && (!model.teacherId().equals(candidate.teacherId())
                        || model.embeddingDim() != candidate.embeddingDim())) {
            metrics.modelsRefused.inc();
            LOG.warn(
                    "Refused {}: it embeds for {} ({} values), the fleet-wide {} for {} ({}); one label set must serve both.",
                    what,
                    candidate.teacherId(),
                    candidate.embeddingDim(),
                    model,
                    model.teacherId(),
                    model.embeddingDim());
            candidate.close();
            return false;
        }
        flush();
        LiveModel previous = canary;
        canary = candidate;
        canaryThreshold = record.getRollout().getThreshold();
        metrics.modelSwaps.inc();
        LOG.info(
                "Canary: the devices whose key hashes below {} are annotated with {}, the others with {} ({}).",
                String.format("%.4f", canaryThreshold),
                canary,
                model == null ? "no model" : model,
                Rollouts.describe(record.getRollout()));
        if (previous != null) {
            previous.close();
        }
        return true;
    }

    private void endCanary(String why) throws Exception {
        if (canary == null) {
            return;
        }
        flush();
        LOG.info("The canary {} ended: {}; every device is annotated with {}.", canary, why, model);
        canary.close();
        canary = null;
    }

    private String canaryState() {
        return canary == null ? "no canary runs" : "keeping the canary " + canary;
    }

    /**
     * Decodes, verifies and loads a {@code models} record; null, with a log line and the {@code modelsRefused} metric,
     * when it is undecodable, fails verification or does not load.
     */
    private LiveModel load(byte[] value, String what, String meanwhile) {
        try {
            return LiveModel.load(models.deserialize(Topics.MODELS.name(), value), verifier, engineThreads());
        } catch (BundleException | IllegalArgumentException | org.apache.kafka.common.errors.SerializationException e) {
            metrics.modelsRefused.inc();
            LOG.warn("Refused {}: {}; {}.", what, e.getMessage(), meanwhile);
            return null;
        }
    }

    private void onLabel(Control c) throws Exception {
        if (c.key() == null) {
            return;
        }
        flush(); // scores in one annotation are always over one label set
        if (c.value() == null) {
            if (labels.contains(c.key())) {
                labels = labels.without(c.key());
                LOG.info("Label '{}' removed; {} labels left.", c.key(), labels.size());
            }
            control.remove(LABEL_KEY + c.key());
        } else if (applyLabel(c.key(), c.value())) {
            control.put(LABEL_KEY + c.key(), c.value());
        }
        rebuildLabelSet();
    }

    /** Adds or replaces the label {@code key} from its record; false (and a log line) when the record cannot be decoded. */
    private boolean applyLabel(String key, byte[] value) {
        try {
            labels = labels.apply(key, labelEmbeddings.deserialize(Topics.LABELS_EMBEDDED.name(), value));
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Ignored the label record '{}': it cannot be decoded ({}).", key, e.getMessage());
            return false;
        }
    }

    private void rebuildLabelSet() {
        // Without a model nothing is scored, so the label set waits for one (its teacher and size decide which labels
        // fit).
        labelSet =
                model == null ? LabelSet.empty() : leftOut.note(labels.select(model.teacherId(), model.embeddingDim()));
    }

    // ---- time, checkpoints, end of input ----------------------------------------------------------------------------

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (buffer.isEmpty()) {
            super.processWatermark(mark);
        } else {
            heldWatermark = mark;
        }
    }

    private void releaseWatermark() throws Exception {
        if (heldWatermark != null) {
            Watermark mark = heldWatermark;
            heldWatermark = null;
            super.processWatermark(mark);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    /** A bounded run (a test, a replay) ends with every buffered frame annotated. */
    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (feed != null) {
            feed.close();
            feed = null;
        }
        if (model != null) {
            model.close();
            model = null;
        }
        if (canary != null) {
            canary.close();
            canary = null;
        }
        if (serdes != null) {
            serdes.close();
        }
        super.close();
    }

    private int engineThreads() {
        return config.engineThreads(
                Runtime.getRuntime().availableProcessors(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
    }

    int buffered() {
        return buffer.size();
    }

    int budgetedDevices() {
        return budgets.devices();
    }
}
