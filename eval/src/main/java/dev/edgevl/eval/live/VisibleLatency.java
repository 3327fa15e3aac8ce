package dev.edgevl.eval.live;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Capture → visible where a user sees it: a consumer of an output topic, on its own thread, notes when each record
 * arrives against its capture time (same machine, same clock in a local run), and when it was made: an annotation's
 * {@code annotatedTime} (in the job's operator), a pair's {@code pairedTime} (frame sync's decision). Read on
 * {@code frames.annotated} {@code read_uncommitted} (the low-latency path), {@code read_committed} (the exactly-once
 * path), or on {@code frames.paired} {@code read_committed} (what the job reads), so the hops between capture and a
 * user can be told apart. Repeats of a pair (the low-latency path is at least once) count once. Keeps the last
 * {@code window} for a live view and a millisecond histogram of everything for the summary.
 */
public final class VisibleLatency implements AutoCloseable {
    /**
     * Percentiles in milliseconds over {@code count} records; NaN when there were none.
     *
     * @param p50Ms     capture → arrival at the consumer, median
     * @param p99Ms     capture → arrival at the consumer, 99th percentile
     * @param madeP50Ms capture → the record was made (annotated, or paired), median
     * @param madeP99Ms capture → the record was made, 99th percentile
     * @param steadyP50Ms capture → arrival, median, of the records that arrived after the first minute (start-up:
     *                    class loading, JIT, the first model load and the first frame periods, left out)
     * @param steadyP99Ms the same, 99th percentile
     */
    public record Figures(
            long count,
            double p50Ms,
            double p99Ms,
            double madeP50Ms,
            double madeP99Ms,
            double steadyP50Ms,
            double steadyP99Ms) {}

    /** How long after the first arrival the steady figures start. */
    static final Duration WARM_UP = Duration.ofMinutes(1);

    /** What one record says: its dedupe key, capture time and the time it was made. */
    record Sample(String pair, long captureMillis, long madeMillis) {}

    private static final Logger LOG = LoggerFactory.getLogger(VisibleLatency.class);
    private static final int MAX_MS = 60_000;
    private static final int MAX_SEEN = 200_000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Function<ConsumerRecord<byte[], byte[]>, Sample> read;
    private final Recorder recorder;
    private final Thread thread;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile boolean running = true;

    /** Reads the low-latency path: {@code frames.annotated}, {@code read_uncommitted}. */
    public VisibleLatency(String bootstrap, AvroSerdes serdes, Duration window) {
        this(bootstrap, serdes, Topics.FRAMES_ANNOTATED, false, window);
    }

    /** As {@link #VisibleLatency(String, AvroSerdes, Duration)}, with the client settings to reach Kafka by. */
    public VisibleLatency(Map<String, Object> client, AvroSerdes serdes, Duration window) {
        this(
                client,
                Topics.FRAMES_ANNOTATED.name(),
                false,
                window,
                annotations(serdes.valueSerde(Topics.FRAMES_ANNOTATED).deserializer()));
    }

    /**
     * Reads annotations.
     *
     * @param topic         an annotation topic
     * @param readCommitted read as an exactly-once consumer does ({@code isolation.level=read_committed}); else
     *                      {@code read_uncommitted}, the low-latency path
     */
    public VisibleLatency(
            String bootstrap,
            AvroSerdes serdes,
            Topic<String, Annotation> topic,
            boolean readCommitted,
            Duration window) {
        this(
                Map.of("bootstrap.servers", bootstrap),
                topic.name(),
                readCommitted,
                window,
                annotations(serdes.valueSerde(topic).deserializer()));
    }

    /** Reads {@code frames.paired} as the job does ({@code read_committed}): capture → a pair the job can read. */
    public static VisibleLatency pairs(String bootstrap, AvroSerdes serdes, Duration window) {
        return pairs(Map.of("bootstrap.servers", bootstrap), serdes, window);
    }

    /** As {@link #pairs(String, AvroSerdes, Duration)}, with the client settings to reach Kafka by. */
    public static VisibleLatency pairs(Map<String, Object> client, AvroSerdes serdes, Duration window) {
        Deserializer<FramePair> decode = serdes.valueSerde(Topics.FRAMES_PAIRED).deserializer();
        return new VisibleLatency(client, Topics.FRAMES_PAIRED.name(), true, window, r -> {
            FramePair p = decode.deserialize(r.topic(), r.value());
            SensorFrame aux = p.getAux();
            return new Sample(
                    p.getDeviceId() + "/" + aux.getSensorId() + "/" + aux.getSequence(),
                    aux.getCaptureTime().toEpochMilli(),
                    p.getPairedTime() == null ? -1 : p.getPairedTime().toEpochMilli());
        });
    }

    private static Function<ConsumerRecord<byte[], byte[]>, Sample> annotations(Deserializer<Annotation> decode) {
        return r -> {
            Annotation a = decode.deserialize(r.topic(), r.value());
            return new Sample(
                    a.getDeviceId() + "/" + a.getAuxSensorId() + "/" + a.getAuxSequence(),
                    a.getCaptureTime().toEpochMilli(),
                    a.getAnnotatedTime().toEpochMilli());
        };
    }

    private VisibleLatency(
            Map<String, Object> client,
            String topic,
            boolean readCommitted,
            Duration window,
            Function<ConsumerRecord<byte[], byte[]>, Sample> read) {
        Properties props = new Properties();
        props.putAll(client);
        // A group of its own, so that every reader of a topic sees all of its partitions.
        String name = "edgevl-visible-latency-" + topic + (readCommitted ? "-committed-" : "-uncommitted-")
                + UUID.randomUUID();
        props.put("client.id", name);
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "latest");
        props.put("group.id", name);
        props.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
        props.put("fetch.max.wait.ms", "10");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.read = read;
        this.recorder = new Recorder(window);
        consumer.subscribe(List.of(topic));
        this.thread = new Thread(this::run, "visible-latency-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running && consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(50));
            }
            consumer.assignment().forEach(consumer::position); // "latest" is fixed now, before anything is awaited
            assigned.countDown();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    try {
                        Sample s = read.apply(r);
                        recorder.record(
                                s.pair(),
                                now,
                                now - s.captureMillis(),
                                s.madeMillis() < 0 ? -1 : s.madeMillis() - s.captureMillis());
                    } catch (RuntimeException e) {
                        // Not ours to judge: the figure is over the records that can be read.
                        LOG.warn(
                                "Latency left out the record at {}-{} offset {}: {}",
                                r.topic(),
                                r.partition(),
                                r.offset(),
                                e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // close()
        } finally {
            assigned.countDown();
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    /** Waits until the consumer has its partitions: annotations written after this are all seen. */
    public void awaitAssigned(Duration timeout) throws InterruptedException {
        if (!assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the consumer got no partitions within " + timeout);
        }
    }

    /** The annotations that arrived within the window before the newest one. */
    public Figures window() {
        return recorder.window();
    }

    /** Every annotation since the start. */
    public Figures overall() {
        return recorder.overall();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }

    /** The arithmetic, apart from Kafka: arrivals in, percentiles out. */
    static final class Recorder {
        private final Duration window;
        private final Histogram visible = new Histogram();
        private final Histogram made = new Histogram();
        private final Histogram steady = new Histogram();
        private long firstArrivalMillis = Long.MIN_VALUE;
        private final Deque<long[]> recent = new ArrayDeque<>(); // {arrivalMillis, visibleMillis, madeMillis or -1}
        private final Set<String> seen = new HashSet<>();
        private final Deque<String> seenOrder = new ArrayDeque<>();

        Recorder(Duration window) {
            this.window = window;
        }

        /** One arrival; {@code madeMillis} (capture → made) is negative when the record does not say. */
        synchronized void record(String pair, long arrivalMillis, long latencyMillis, long madeMillis) {
            if (!seen.add(pair)) {
                return;
            }
            seenOrder.add(pair);
            if (seenOrder.size() > MAX_SEEN) {
                seen.remove(seenOrder.poll());
            }
            if (firstArrivalMillis == Long.MIN_VALUE) {
                firstArrivalMillis = arrivalMillis;
            }
            long ms = visible.add(latencyMillis);
            if (arrivalMillis - firstArrivalMillis >= WARM_UP.toMillis()) {
                steady.add(latencyMillis);
            }
            long madeMs = madeMillis < 0 ? -1 : made.add(madeMillis);
            recent.add(new long[] {arrivalMillis, ms, madeMs});
            while (!recent.isEmpty() && recent.peek()[0] < arrivalMillis - window.toMillis()) {
                recent.poll();
            }
        }

        synchronized Figures window() {
            long[] ms = recent.stream().mapToLong(x -> x[1]).sorted().toArray();
            long[] madeMs = recent.stream()
                    .mapToLong(x -> x[2])
                    .filter(x -> x >= 0)
                    .sorted()
                    .toArray();
            return new Figures(
                    ms.length,
                    percentile(ms, 0.50),
                    percentile(ms, 0.99),
                    percentile(madeMs, 0.50),
                    percentile(madeMs, 0.99),
                    steady.percentile(0.50),
                    steady.percentile(0.99));
        }

        synchronized Figures overall() {
            return new Figures(
                    visible.count,
                    visible.percentile(0.50),
                    visible.percentile(0.99),
                    made.percentile(0.50),
                    made.percentile(0.99),
                    steady.percentile(0.50),
                    steady.percentile(0.99));
        }

        private static double percentile(long[] sorted, double p) {
            return sorted.length == 0
                    ? Double.NaN
                    : sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p * sorted.length) - 1))];
        }
    }

    /** Milliseconds 0 to 60 s, one bucket each. */
    private static final class Histogram {
        private final long[] counts = new long[MAX_MS + 1];
        private long count;

        /** Adds a figure, clamped to the range; returns it as counted. */
        long add(long millis) {
            long ms = Math.max(0, Math.min(MAX_MS, millis));
            counts[(int) ms]++;
            count++;
            return ms;
        }

        double percentile(double p) {
            if (count == 0) {
                return Double.NaN;
            }
            long rank = Math.max(1, (long) Math.ceil(p * count));
            long cumulative = 0;
            for (int ms = 0; ms < counts.length; ms++) {
                cumulative += counts[ms];
                if (cumulative >= rank) {
                    return ms;
                }
            }
            return MAX_MS;
        }
    }
}
