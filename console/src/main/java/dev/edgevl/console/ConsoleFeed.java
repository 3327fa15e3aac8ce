package dev.edgevl.console;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.LabelScore;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console shows, followed from the topics on one thread: per device its latest annotated pair (frames, the
 * student's top-3, the model version, the teacher's label when the pair was routed) and its last {@code fleet.status};
 * the vocabulary ({@code labels.embedded}), the live and canary records of {@code models}; throughput, routed share and
 * capture → console latency over the last ten seconds. {@code models}, {@code labels.embedded} and {@code fleet.status}
 * are read from their start, the streams from a little before their end. A record it cannot decode is counted and
 * skipped.
 */
public final class ConsoleFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleFeed.class);
    private static final int RECENT_PAIRS = 64;
    private static final int TEACHER_LABELS = 4_096;
    private static final long STREAM_BACKLOG = 200;
    private static final Duration WINDOW = Duration.ofSeconds(10);

    private record Seen(long receivedMillis, long latencyMillis, boolean routed) {}

    /** What the page shows of one device; the pair and its annotation belong together. */
    public record DeviceView(
            String deviceId, FramePair pair, Annotation annotation, String teacherLabel, DeviceStatus status) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Deserializer<?>> decoders = new HashMap<>();
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;

    private final Map<String, Deque<FramePair>> recentPairs = new HashMap<>();
    private final Map<String, DeviceView> devices = new TreeMap<>();
    private final Map<String, String> teacherLabels = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > TEACHER_LABELS;
        }
    };
    private final Map<String, LabelEmbedding> labels = new TreeMap<>();
    private final Map<String, ModelVersion> models = new TreeMap<>();
    private final Deque<Seen> window = new ArrayDeque<>();
    private long undecodable;

    /** Starts following at once. @param client how to reach Kafka (bootstrap servers, credentials) */
    public ConsoleFeed(Map<String, Object> client, AvroSerdes serdes) {
        Properties props = new Properties();
        props.putAll(client);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        props.remove("group.id");
        props.put("client.id", "edgevl-console-" + UUID.randomUUID().toString().substring(0, 8));
        props.put("max.partition.fetch.bytes", Integer.toString(Topics.MAX_MODEL_MESSAGE_BYTES));
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (Topic<String, ?> topic : List.of(
                Topics.FRAMES_PAIRED,
                Topics.FRAMES_ANNOTATED,
                Topics.TEACHER_EMBEDDINGS,
                Topics.LABELS_EMBEDDED,
                Topics.MODELS,
                Topics.FLEET_STATUS)) {
            decoders.put(topic.name(), serdes.valueSerde(topic).deserializer());
        }
        thread = new Thread(this::run, "edgevl-console-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until the control topics ({@code models}, {@code labels.embedded}, {@code fleet.status}) are read. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : decoders.keySet()) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            Set<String> control =
                    Set.of(Topics.MODELS.name(), Topics.LABELS_EMBEDDED.name(), Topics.FLEET_STATUS.name());
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
            for (TopicPartition p : partitions) {
                long from = control.contains(p.topic())
                        ? starts.get(p)
                        : Math.max(starts.get(p), ends.get(p) - STREAM_BACKLOG);
                consumer.seek(p, from);
            }
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    dispatch(r);
                }
                if (caughtUp.getCount() > 0
                        && partitions.stream()
                                .filter(p -> control.contains(p.topic()))
                                .allMatch(p -> consumer.position(p) >= ends.get(p))) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("The console stopped following the topics: {}", e.toString(), e);
            }
        } finally {
            caughtUp.countDown();
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        Object value;
        try {
            value = r.value() == null ? null : decoders.get(r.topic()).deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            synchronized (this) {
                undecodable++;
            }
            LOG.debug("The console skipped an undecodable record of {}: {}", r.topic(), e.getMessage());
            return;
        }
        synchronized (this) {
            if (value instanceof FramePair pair) {
                onPair(pair);
            } else if (value instanceof Annotation a) {
                onAnnotation(a);
            } else if (value instanceof TeacherEmbedding t) {
                onTeacher(t);
            } else if (value instanceof DeviceStatus s) {
                devices.compute(
                        s.getDeviceId(),
                        (id, v) -> v == null
                                ? new DeviceView(id, null, null, null, s)
                                : new DeviceView(id, v.pair(), v.annotation(), v.teacherLabel(), s));
            } else if (r.topic().equals(Topics.LABELS_EMBEDDED.name()) && key != null) {
                if (value == null) {
                    labels.remove(key);
                } else {
                    labels.put(key, (LabelEmbedding) value);
                }
            } else if (value instanceof ModelVersion m && key != null) {
                models.put(key, ModelVersion.newBuilder(m).setBundle(null).build());
            }
        }
    }

    private void onPair(FramePair pair) {
        Deque<FramePair> recent = recentPairs.computeIfAbsent(pair.getDeviceId(), d -> new ArrayDeque<>());
        recent.addLast(pair);
        while (recent.size() > RECENT_PAIRS) {
            recent.removeFirst();
        }
        DeviceView shown = devices.get(pair.getDeviceId());
        if (shown != null
                && shown.pair() == null
                && shown.annotation() != null
                && shown.annotation().getAuxSequence() == pair.getAux().getSequence()
                && shown.annotation().getAuxSensorId().equals(pair.getAux().getSensorId())) {
            // its annotation came first
            devices.put(
                    shown.deviceId(),
                    new DeviceView(shown.deviceId(), pair, shown.annotation(), shown.teacherLabel(), shown.status()));
        }
    }

    private void onAnnotation(Annotation a) {
        long now = System.currentTimeMillis();
        window.addLast(new Seen(now, now - a.getCaptureTime().toEpochMilli(), a.getRoutedToTeacher()));
        while (!window.isEmpty() && window.peekFirst().receivedMillis() < now - WINDOW.toMillis()) {
            window.removeFirst();
        }
        FramePair pair = null;
        for (FramePair p : recentPairs.getOrDefault(a.getDeviceId(), new ArrayDeque<>())) {
            if (p.getAux().getSequence() == a.getAuxSequence()
                    && p.getAux().getSensorId().equals(a.getAuxSensorId())) {
                pair = p;
            }
        }
        DeviceView before = devices.get(a.getDeviceId());
        if (pair == null && before != null && before.pair() != null) {
            return; // keep showing a frame with its own labels rather than labels without their frame
        }
        devices.put(
                a.getDeviceId(),
                new DeviceView(
                        a.getDeviceId(),
                        pair,
                        a,
                        teacherLabels.get(pairKey(a.getDeviceId(), a.getAuxSensorId(), a.getAuxSequence())),
                        before == null ? null : before.status()));
    }

    private void onTeacher(TeacherEmbedding t) {
        float[] embedding = Embeddings.unboxed(t.getEmbedding());
        String best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (LabelEmbedding label : labels.values()) {
            float[] e = Embeddings.unboxed(label.getEmbedding());
            if (e.length != embedding.length) {
                continue;
            }
            double s = Embeddings.cosine(embedding, e);
            if (s > bestScore) {
                bestScore = s;
                best = label.getLabel();
            }
        }
        if (best == null) {
            return;
        }
        FramePair pair = t.getPair();
        String key = pairKey(
                pair.getDeviceId(), pair.getAux().getSensorId(), pair.getAux().getSequence());
        teacherLabels.put(key, best);
        DeviceView shown = devices.get(pair.getDeviceId());
        if (shown != null
                && shown.annotation() != null
                && key.equals(pairKey(
                        shown.deviceId(),
                        shown.annotation().getAuxSensorId(),
                        shown.annotation().getAuxSequence()))) {
            devices.put(
                    shown.deviceId(),
                    new DeviceView(shown.deviceId(), shown.pair(), shown.annotation(), best, shown.status()));
        }
    }

    private static String pairKey(String device, String sensor, long sequence) {
        return device + "/" + sensor + "#" + sequence;
    }

    /** The device's view, for its pictures. */
    public synchronized Optional<DeviceView> device(String deviceId) {
        return Optional.ofNullable(devices.get(deviceId));
    }

    public synchronized List<DeviceView> devices() {
        return List.copyOf(devices.values());
    }

    /** The live labels, by name. */
    public synchronized List<String> labels() {
        return List.copyOf(labels.keySet());
    }

    /** The fleet-wide record of every family and the canary records, by their key on {@code models}. */
    public synchronized Map<String, ModelVersion> models() {
        return Map.copyOf(models);
    }

    /** The family's fleet-wide version, if one is live. */
    public synchronized Optional<Long> liveVersion(String family) {
        return Optional.ofNullable(models.get(family)).map(ModelVersion::getVersion);
    }

    /** Whether the device runs the family's canary now. */
    public synchronized boolean inCanary(String family, String deviceId) {
        ModelVersion canary = models.get(Rollouts.canaryKey(family));
        return Rollouts.isActiveCanary(canary)
                && Rollouts.inCanary(deviceId, canary.getRollout().getThreshold());
    }

    /** Annotations per second, routed share and capture → console latency over the last ten seconds. */
    public record Throughput(double annotationsPerSecond, Double routedShare, Long p50Millis, Long p99Millis) {}

    public synchronized Throughput throughput() {
        long now = System.currentTimeMillis();
        long[] latencies = window.stream()
                .filter(s -> s.receivedMillis() >= now - WINDOW.toMillis())
                .mapToLong(Seen::latencyMillis)
                .sorted()
                .toArray();
        long routed = window.stream()
                .filter(s -> s.receivedMillis() >= now - WINDOW.toMillis())
                .filter(Seen::routed)
                .count();
        int n = latencies.length;
        return new Throughput(
                n / (double) WINDOW.toSeconds(),
                n == 0 ? null : (double) routed / n,
                n == 0 ? null : latencies[(int) Math.floor(0.5 * (n - 1))],
                n == 0 ? null : latencies[(int) Math.floor(0.99 * (n - 1))]);
    }

    public synchronized long undecodable() {
        return undecodable;
    }

    /** The top three of a list of scores, as the page shows them. */
    static List<Map<String, Object>> top3(List<LabelScore> scores) {
        return scores.stream()
                .limit(3)
                .map(s -> Map.<String, Object>of("label", s.getLabel(), "score", s.getScore()))
                .toList();
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
