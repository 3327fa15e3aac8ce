package dev.edgevl.eval.live;

import dev.edgevl.avro.Annotation;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Capture → visible where a user sees it: a consumer of an annotation topic ({@code frames.annotated.live} by
 * default; {@code frames.annotated} read {@code read_committed} for the exactly-once path), on its own thread, notes when each annotation arrives against its capture time (same machine, same clock in a local run).
 * Repeats of a pair (the topic is at least once) count once. Keeps the last {@code window} for a live view and a
 * millisecond histogram of everything for the summary.
 */
public final class VisibleLatency implements AutoCloseable {
    /** Percentiles in milliseconds over {@code count} annotations; NaN when there were none. */
    public record Figures(long count, double p50Ms, double p99Ms) {}

    private static final int MAX_MS = 60_000;
    private static final int MAX_SEEN = 200_000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<Annotation> decode;
    private final Recorder recorder;
    private final Thread thread;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile boolean running = true;

    /** Reads the low-latency output, {@code frames.annotated.live}. */
    public VisibleLatency(String bootstrap, AvroSerdes serdes, Duration window) {
        this(bootstrap, serdes, Topics.FRAMES_ANNOTATED_LIVE, false, window);
    }

    /**
     * @param topic         an annotation topic: {@code frames.annotated.live}, or {@code frames.annotated}
     * @param readCommitted read as an exactly-once consumer does ({@code isolation.level=read_committed})
     */
    public VisibleLatency(
            String bootstrap,
            AvroSerdes serdes,
            Topic<String, Annotation> topic,
            boolean readCommitted,
            Duration window) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("client.id", "edgevl-visible-latency-" + topic.name());
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "latest");
        props.put("group.id", "edgevl-visible-latency-" + topic.name());
        props.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
        props.put("fetch.max.wait.ms", "10");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.decode = serdes.valueSerde(topic).deserializer();
        this.recorder = new Recorder(window);
        consumer.subscribe(List.of(topic.name()));
        this.thread = new Thread(this::run, "visible-latency");
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
                        Annotation a = decode.deserialize(r.topic(), r.value());
                        recorder.record(
                                a.getDeviceId() + "/" + a.getAuxSensorId() + "/" + a.getAuxSequence(),
                                now,
                                now - a.getCaptureTime().toEpochMilli());
                    } catch (RuntimeException e) {
                        // Not ours to judge: the figure is over the annotations that can be read.
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
        private final long[] histogram = new long[MAX_MS + 1];
        private final Deque<long[]> recent = new ArrayDeque<>(); // {arrivalMillis, latencyMillis}
        private final Set<String> seen = new HashSet<>();
        private final Deque<String> seenOrder = new ArrayDeque<>();
        private long count;

        Recorder(Duration window) {
            this.window = window;
        }

        synchronized void record(String pair, long arrivalMillis, long latencyMillis) {
            if (!seen.add(pair)) {
                return;
            }
            seenOrder.add(pair);
            if (seenOrder.size() > MAX_SEEN) {
                seen.remove(seenOrder.poll());
            }
            long ms = Math.max(0, Math.min(MAX_MS, latencyMillis));
            histogram[(int) ms]++;
            count++;
            recent.add(new long[] {arrivalMillis, ms});
            while (!recent.isEmpty() && recent.peek()[0] < arrivalMillis - window.toMillis()) {
                recent.poll();
            }
        }

        synchronized Figures window() {
            long[] ms = recent.stream().mapToLong(x -> x[1]).sorted().toArray();
            return ms.length == 0
                    ? new Figures(0, Double.NaN, Double.NaN)
                    : new Figures(ms.length, percentile(ms, 0.50), percentile(ms, 0.99));
        }

        synchronized Figures overall() {
            return new Figures(count, fromHistogram(0.50), fromHistogram(0.99));
        }

        private double fromHistogram(double p) {
            if (count == 0) {
                return Double.NaN;
            }
            long rank = Math.max(1, (long) Math.ceil(p * count));
            long cumulative = 0;
            for (int ms = 0; ms < histogram.length; ms++) {
                cumulative += histogram[ms];
                if (cumulative >= rank) {
                    return ms;
                }
            }
            return MAX_MS;
        }

        private static double percentile(long[] sorted, double p) {
            return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p * sorted.length) - 1))];
        }
    }
}
