package dev.edgevl.eval.live;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.model.zeroshot.LiveLabels;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live accuracy against ground truth: reads frames.annotated, sim.truth, frames.paired, labels.embedded and models
 * from the beginning (read_committed, no consumer group, so it commits nothing and disturbs no one) on its
 * own thread, and keeps the figures {@link #snapshot()} and {@link #report()} return.
 *
 * <p>This is the evaluation side: it reads the simulator's truth, which training code never does.
 */
public final class LiveEvaluator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveEvaluator.class);

    /**
     * @param scenario      the scenario's name, for the report
     * @param window        length of the sliding window, in capture time
     * @param step          one time-series point per this much capture time
     * @param matchCapacity annotations (and truths) kept waiting for their other half before the oldest goes
     * @param events        events known up front, e.g. the scenario's drift ({@link LiveEvent#drifts})
     * @param from          the run's start (its world's time zero): records captured before it, by an earlier run on
     *                      the same topics, are left out; null takes everything
     */
    public record Options(
            String scenario,
            Duration window,
            Duration step,
            int matchCapacity,
            List<LiveEvent> events,
            LiveSummary.Targets targets,
            Instant from) {
        public Options {
            Objects.requireNonNull(scenario, "scenario");
            events = List.copyOf(events);
            Objects.requireNonNull(targets, "targets");
        }

        public static Options of(String scenario, List<LiveEvent> events) {
            return new Options(
                    scenario,
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(5),
                    50_000,
                    events,
                    LiveSummary.Targets.DEFAULT,
                    null);
        }

        public Options from(Instant start) {
            return new Options(scenario, window, step, matchCapacity, events, targets, start);
        }
    }

    /**
     * The second opinions every figure is given beside: the teacher alone and the frozen v0.
     *
     * @param teacher the teacher to judge with (the caller owns it), or null for none
     * @param teacherSpec the teacher's input (for a configured teacher, {@code TeacherConfig.inputSpec})
     * @param verifier checks the {@code models} record of version 0 before the frozen judge runs it (the fleet's trusted
     *     keys); null for no frozen judge
     * @param family the model family whose version 0 is the frozen baseline
     */
    public record Baselines(
            TeacherModel teacher,
            InputSpec teacherSpec,
            PairJudge.Options teacherOptions,
            BundleVerifier verifier,
            String family,
            PairJudge.Options frozenOptions) {
        public static final Baselines NONE = new Baselines(null, null, null, null, null, null);

        public static Baselines of(
                TeacherModel teacher, InputSpec teacherSpec, BundleVerifier verifier, String family) {
            return new Baselines(
                    teacher, teacherSpec, PairJudge.Options.TEACHER, verifier, family, PairJudge.Options.FROZEN);
        }
    }

    private final LiveTally tally;
    private final Baselines baselines;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroSerdes serdes;
    private final Thread thread;
    private final List<AutoCloseable> owned = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile LiveLabels labels = LiveLabels.NONE;
    private volatile LiveModel frozen;
    private volatile boolean running = true;

    /** Starts reading at once. */
    public LiveEvaluator(String bootstrapServers, AvroSerdes serdes, Options options, Baselines baselines) {
        this(Map.of("bootstrap.servers", bootstrapServers), serdes, options, baselines);
    }

    /** @param client the client settings to reach Kafka by (bootstrap servers, credentials, TLS) */
    public LiveEvaluator(Map<String, Object> client, AvroSerdes serdes, Options options, Baselines baselines) {
        this.serdes = Objects.requireNonNull(serdes, "serdes");
        this.baselines = Objects.requireNonNull(baselines, "baselines");
        this.tally = new LiveTally(options);
        if (baselines.teacher() != null) {
            TeacherModel teacher = baselines.teacher();
            PairJudge judge = PairJudge.teacher(
                    teacher, baselines.teacherSpec(), () -> labels, baselines.teacherOptions(), tally.board());
            owned.add(judge);
            tally.addJudge(judge);
        }
        Properties props = new Properties();
        props.putAll(client);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        props.put("client.id", "edgevl-live-evaluator");
        props.put("max.partition.fetch.bytes", Integer.toString(Topics.MAX_MODEL_MESSAGE_BYTES));
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "live-evaluator");
        thread.setDaemon(true);
        thread.start();
    }

    /** Adds an event to mark on the chart: a retrain round, a gate verdict, a drift seen late. */
    public void mark(LiveEvent event) {
        tally.mark(Objects.requireNonNull(event, "event"));
    }

    public LiveSnapshot snapshot() {
        return tally.snapshot();
    }

    /** Everything so far, for the report; may be called while running and again after close. */
    public LiveReport report() {
        return tally.report();
    }

    /** The frozen baseline's version 0, once the evaluator has found and verified it; null before. */
    public LiveModel frozen() {
        return frozen;
    }

    private void run() {
        Deserializer<Annotation> annotations =
                serdes.valueSerde(Topics.FRAMES_ANNOTATED).deserializer();
        Deserializer<FrameTruth> truths = serdes.valueSerde(Topics.SIM_TRUTH).deserializer();
        Deserializer<FramePair> pairs = serdes.valueSerde(Topics.FRAMES_PAIRED).deserializer();
        Deserializer<LabelEmbedding> labelRecords =
                serdes.valueSerde(Topics.LABELS_EMBEDDED).deserializer();
        Deserializer<ModelVersion> models = serdes.valueSerde(Topics.MODELS).deserializer();
        try {
            assignFromBeginning();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String topic = r.topic();
                    try {
                        if (topic.equals(Topics.LABELS_EMBEDDED.name())) {
                            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                            if (key != null) {
                                labels = labels.apply(
                                        key, r.value() == null ? null : labelRecords.deserialize(topic, r.value()));
                            }
                            continue;
                        }
                        if (r.value() == null) {
                            continue;
                        }
                        if (topic.equals(Topics.FRAMES_ANNOTATED.name())) {
                            tally.onAnnotation(annotations.deserialize(topic, r.value()));
                        } else if (topic.equals(Topics.SIM_TRUTH.name())) {
                            tally.onTruth(truths.deserialize(topic, r.value()));
                        } else if (topic.equals(Topics.MODELS.name())) {
                            onModel(models.deserialize(topic, r.value()));
                        } else {
                            tally.onPair(pairs.deserialize(topic, r.value()));
                        }
                    } catch (RuntimeException e) {
                        // The stream's own dead-letter handling covers bad records; here one is skipped and counted.
                        tally.onUndecodable();
                        LOG.warn(
                                "The evaluator skipped the record at {}-{} offset {}: {}",
                                topic,
                                r.partition(),
                                r.offset(),
                                e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            if (running) {
                LOG.warn("The live evaluator stopped reading: {}. Figures stay as they were.", e.toString());
            }
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    /** Version 0 of the family, verified as the fleet would: from then on the frozen judge scores the sampled pairs. */
    private void onModel(ModelVersion record) {
        if (record.getRollout() != null
                && record.getRollout().getStage() == dev.edgevl.avro.RolloutStage.ROLLED_BACK
                && record.getFamily().equals(baselines.family())) {
            tally.rolledBack(record.getVersion());
            tally.mark(new LiveEvent(
                    record.getPublishedTime(), LiveEvent.Kind.GATE, "canary v" + record.getVersion() + " rolled back"));
            return;
        }
        if (frozen != null
                || baselines.verifier() == null
                || record.getVersion() != 0
                || !record.getFamily().equals(baselines.family())) {
            return;
        }
        try {
            LiveModel v0 = LiveModel.load(record, baselines.verifier(), 1);
            owned.add(v0);
            PairJudge judge = PairJudge.frozen(v0, () -> labels, baselines.frozenOptions(), tally.board());
            owned.add(0, judge); // closed before the model it runs
            tally.addJudge(judge);
            frozen = v0;
            LOG.info("The evaluator scores the frozen baseline {} v0 beside every figure.", record.getFamily());
        } catch (RuntimeException e) {
            LOG.warn(
                    "The evaluator cannot run {} v0 as the frozen baseline ({}); figures come without it.",
                    record.getFamily(),
                    e.getMessage());
        }
    }

    /** Waits until all its topics exist, then reads every partition of each from its beginning. */
    private void assignFromBeginning() {
        List<String> names = List.of(
                Topics.FRAMES_ANNOTATED.name(),
                Topics.SIM_TRUTH.name(),
                Topics.FRAMES_PAIRED.name(),
                Topics.LABELS_EMBEDDED.name(),
                Topics.MODELS.name());
        List<TopicPartition> partitions = new ArrayList<>();
        while (running) {
            partitions.clear();
            boolean all = true;
            for (String name : names) {
                List<PartitionInfo> infos;
                try {
                    infos = consumer.partitionsFor(name, Duration.ofSeconds(5));
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    infos = List.of();
                }
                if (infos == null || infos.isEmpty()) {
                    all = false;
                    break;
                }
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            if (all) {
                break;
            }
            sleep();
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    private void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("Ignored an error while closing {}: {}", c, e.toString());
            }
        }
    }
}
