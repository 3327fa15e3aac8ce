package dev.edgevl.distill;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.health.Health;
import dev.edgevl.health.HealthServer;
import dev.edgevl.health.ServiceMetrics;
import dev.edgevl.model.bundle.DirectoryModelStore;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.RequiredTopics;
import dev.edgevl.schemas.topics.Topics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distiller as a service: one consumer thread reads {@code models} and {@code labels.embedded} to their ends,
 * then {@code teacher.embeddings} from the beginning (rebuilding the replay buffer exactly as it was), and keeps
 * following all three, and {@code frames.paired} from five minutes back for cross-modal self-distillation when
 * {@code distill.self-targets} is on; {@link Distiller} trains on its own thread. No consumer group and no committed offsets: the
 * buffer is a function of the topic, which is what makes a restart lose nothing.
 */
public final class DistillerApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DistillerApp.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);
    static final RequiredTopics REQUIRED_TOPICS =
            RequiredTopics.of("The distiller", Topics.TEACHER_EMBEDDINGS, Topics.LABELS_EMBEDDED, Topics.MODELS);
    static final List<String> TOPICS = REQUIRED_TOPICS.names();
    /** How far back in {@code frames.paired} the pool for cross-modal self-distillation is refilled from at start. */
    static final Duration PAIRS_LOOKBACK = Duration.ofMinutes(5);

    private final DistillerConfig config;
    private final Distiller distiller;
    private final KafkaModelPublisher publisher;
    private final AvroSerdes serdes;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<TeacherEmbedding> embeddings;
    private final Deserializer<LabelEmbedding> labels;
    private final Deserializer<ModelVersion> models;
    private final Deserializer<FramePair> pairs;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile Throwable failure;
    private volatile boolean stopping;
    private volatile boolean replaying = true;
    private HealthServer healthEndpoint = HealthServer.off();
    private final KafkaClientMetrics consumerMetrics;
    private final DistillerMeters meters;
    private long undecodable;

    private DistillerApp(
            DistillerConfig config, Map<String, Object> client, AvroSerdes serdes, KeyPair keys, RoundListener listener)
            throws IOException {
        this.config = config;
        this.serdes = serdes;
        this.publisher = new KafkaModelPublisher(client, serdes);
        this.distiller = new Distiller(
                config, new DirectoryModelStore(config.storeDir()), keys, publisher, Clock.systemUTC(), listener);
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MODEL_MESSAGE_BYTES);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.consumerMetrics = ServiceMetrics.kafkaClient(consumer);
        this.meters = DistillerMeters.follow(distiller);
        this.embeddings = serdes.valueSerde(Topics.TEACHER_EMBEDDINGS).deserializer();
        this.labels = serdes.valueSerde(Topics.LABELS_EMBEDDED).deserializer();
        this.models = serdes.valueSerde(Topics.MODELS).deserializer();
        this.pairs = serdes.valueSerde(Topics.FRAMES_PAIRED).deserializer();
        this.thread = new Thread(this::run, "edgevl-distiller");
        thread.setDaemon(true);
    }

    /**
     * Checks the topics and starts following them against {@code bootstrap} (or {@code kafka.bootstrap.servers} when null).
     *
     * @param keys the signing key pair: signs what the distiller publishes, and decides which records of models it believes
     * @param listener hears each round's progress (progress bars; tests)
     */
    public static DistillerApp start(Settings settings, String bootstrap, KeyPair keys, RoundListener listener) {
        DistillerConfig config = DistillerConfig.from(settings);
        Map<String, Object> client = KafkaSettings.clientProperties(settings, bootstrap);
        try (Admin admin = Admin.create(client)) {
            REQUIRED_TOPICS.check(admin, ADMIN_TIMEOUT);
            if (config.selfTargets().enabled()) {
                RequiredTopics.of("The distiller (distill.self-targets)", Topics.FRAMES_PAIRED)
                        .check(admin, ADMIN_TIMEOUT);
            }
        }
        AvroSerdes serdes = AvroSerdes.fromSettings(settings);
        HealthServer endpoint = HealthServer.start(settings, "the distiller");
        try {
            DistillerApp app = new DistillerApp(config, client, serdes, keys, listener);
            app.healthEndpoint = endpoint.watch(app::health);
            app.thread.start();
            LOG.info(
                    "The distiller is following {} for {} (store {}, signing key {}, trigger at {} new samples or {}).",
                    String.join(", ", TOPICS),
                    config.family(),
                    config.storeDir(),
                    Keys.keyId(keys.getPublic()),
                    config.trigger().samples(),
                    Durations.text(config.trigger().interval()));
            return app;
        } catch (IOException e) {
            endpoint.close();
            closeQuietly(serdes);
            throw new UncheckedIOException(
                    "Cannot open the model store " + config.storeDir() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            endpoint.close();
            closeQuietly(serdes);
            throw e;
        }
    }

    private void run() {
        try {
            List<TopicPartition> control = partitions(Topics.LABELS_EMBEDDED.name(), Topics.MODELS.name());
            consumer.assign(control);
            consumer.seekToBeginning(control);
            Map<TopicPartition, Long> end = consumer.endOffsets(control, ADMIN_TIMEOUT);
            while (!stopping && control.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(POLL).forEach(this::dispatch);
            }
            distiller.maybePublishInitial(); // v0 as soon as the live version and labels are known, before the replay
            List<TopicPartition> frames = partitions(Topics.TEACHER_EMBEDDINGS.name());
            List<TopicPartition> all = new ArrayList<>(control);
            all.addAll(frames);
            List<TopicPartition> paired = distiller.readsPairs() ? partitions(Topics.FRAMES_PAIRED.name()) : List.of();
            all.addAll(paired);
            consumer.assign(all);
            consumer.seekToBeginning(frames);
            seekBack(paired, PAIRS_LOOKBACK);
            Map<TopicPartition, Long> framesEnd = consumer.endOffsets(frames, ADMIN_TIMEOUT);
            long lastLog = System.nanoTime();
            while (!stopping) {
                consumer.poll(POLL).forEach(this::dispatch);
                if (replaying && frames.stream().allMatch(p -> consumer.position(p) >= framesEnd.get(p))) {
                    replaying = false;
                    Distiller.Status s = distiller.status();
                    LOG.info(
                            "Replay buffer rebuilt from {}: {} training and {} held-out pairs{}.",
                            Topics.TEACHER_EMBEDDINGS.name(),
                            s.train(),
                            s.heldOut(),
                            s.liveVersion() == null ? ", no live version yet" : ", live version v" + s.liveVersion());
                    caughtUp.countDown();
                }
                distiller.maybePublishInitial(); // labels embedded after the distiller started
                if (!replaying && !distiller.maybeStartRound() && !distiller.maybeJudgeCanary()) {
                    distiller.maybeCheckLive();
                }
                if (System.nanoTime() - lastLog > config.logInterval().toNanos()) {
                    lastLog = System.nanoTime();
                    logStatus();
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                failure = e;
            }
        } catch (Throwable e) {
            failure = e;
            LOG.error(
                    "The distiller stopped on an unexpected error; no rounds run until it is restarted. The cause follows.",
                    e);
        } finally {
            caughtUp.countDown();
        }
    }

    /** Each partition to its first record of the last {@code lookback}, or to its end when it has none. */
    private void seekBack(List<TopicPartition> partitions, Duration lookback) {
        if (partitions.isEmpty()) {
            return;
        }
        long since = System.currentTimeMillis() - lookback.toMillis();
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, since));
        consumer.offsetsForTimes(times, ADMIN_TIMEOUT).forEach((p, found) -> {
            if (found == null) {
                consumer.seekToEnd(List.of(p));
            } else {
                consumer.seek(p, found.offset());
            }
        });
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        String topic = record.topic();
        try {
            if (topic.equals(Topics.FRAMES_PAIRED.name())) {
                if (record.value() != null) {
                    distiller.onPair(pairs.deserialize(topic, record.value()));
                }
            } else if (topic.equals(Topics.TEACHER_EMBEDDINGS.name())) {
                if (record.value() != null) {
                    distiller.onTeacherEmbedding(embeddings.deserialize(topic, record.value()));
                }
            } else if (topic.equals(Topics.LABELS_EMBEDDED.name())) {
                distiller.onLabel(
                        record.key(), record.value() == null ? null : labels.deserialize(topic, record.value()));
            } else if (topic.equals(Topics.MODELS.name()) && record.value() != null) {
                distiller.onModel(record.key(), models.deserialize(topic, record.value()));
            }
        } catch (RuntimeException e) {
            undecodable++;
            LOG.warn(
                    "Skipped an undecodable record at {}-{} offset {}: {}",
                    topic,
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        }
    }

    private List<TopicPartition> partitions(String... topics) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, ADMIN_TIMEOUT)
                    .forEach(p -> out.add(new TopicPartition(p.topic(), p.partition())));
        }
        return out;
    }

    private void logStatus() {
        Distiller.Status s = distiller.status();
        String labels = s.perLabel().entrySet().stream()
                .map(e -> (e.getKey().isEmpty() ? "(no labels)" : e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", "));
        LOG.info(
                "Distiller: {} training / {} held-out pairs [{}], {} new since the last round, {} pairs for"
                        + " cross-modal self-distillation, live {}, {}.",
                s.train(),
                s.heldOut(),
                labels,
                s.newSamples(),
                s.selfTargetPairs(),
                (s.liveVersion() == null ? "none" : "v" + s.liveVersion())
                        + (s.canaryVersion() == null ? "" : ", canary v" + s.canaryVersion()),
                s.phase());
    }

    /** Waits until the buffer has been rebuilt from the topic and the distiller follows new samples. */
    public DistillerApp awaitCaughtUp(Duration timeout) throws InterruptedException {
        if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("The distiller had not caught up with " + Topics.TEACHER_EMBEDDINGS.name()
                    + " after " + timeout.toSeconds() + " s.");
        }
        if (failure != null) {
            throw new IllegalStateException("The distiller stopped: " + failure.getMessage(), failure);
        }
        return this;
    }

    /**
     * Waits until a version is live, or it is settled that none will be before the first round (no initial student that
     * fits); so a fleet started afterwards annotates from its first frame.
     *
     * @return the live version, or null when there is none
     */
    public Long awaitLiveOrNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && failure == null) {
            Distiller.Status s = distiller.status();
            if (s.liveVersion() != null) {
                return s.liveVersion();
            }
            if (distiller.initialSettled()
                    && distiller.catalog().latestVersion(config.family()) == 0
                    && !distiller.catalog().contains(config.family(), 0)) {
                return null;
            }
            Thread.sleep(100);
        }
        return distiller.status().liveVersion();
    }

    /** Ready once the buffer is rebuilt and new pairs are followed; live until the consumer thread stops. */
    public Health health() {
        if (failure != null || (!thread.isAlive() && !stopping && !replaying)) {
            return Health.down(
                    "FAILED",
                    "the distiller stopped: " + (failure == null ? "its consumer thread ended" : failure.getMessage()));
        }
        if (stopping) {
            return Health.notReady("STOPPING", "the distiller is shutting down");
        }
        if (replaying) {
            return Health.notReady(
                    "REBUILDING", "rebuilding the replay buffer from " + Topics.TEACHER_EMBEDDINGS.name());
        }
        return Health.ready(
                "FOLLOWING",
                "following " + String.join(", ", TOPICS) + "; "
                        + distiller.status().phase());
    }

    public Distiller distiller() {
        return distiller;
    }

    public DistillerConfig config() {
        return config;
    }

    public boolean isAlive() {
        return thread.isAlive() && failure == null;
    }

    public long undecodable() {
        return undecodable;
    }

    /** Stops following the topics; a round in progress publishes nothing. Safe to call twice. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        healthEndpoint.close();
        distiller.close();
        try {
            distiller.awaitRound(Duration.ofSeconds(30));
        } catch (Exception e) {
            LOG.warn("The round in progress did not stop within 30 s ({}); it publishes nothing.", e.toString());
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        meters.close();
        consumerMetrics.close();
        consumer.close(Duration.ofSeconds(5));
        publisher.close();
        closeQuietly(serdes);
        LOG.info("The distiller stopped.");
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("Ignored an error while closing: {}", e.toString());
        }
    }
}
