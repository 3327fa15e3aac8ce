package dev.edgevl.bench.inference;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Capture → visible, where a user sees it: pairs are written live at a fixed rate, stamped with their capture time, and
 * a consumer per output topic (its own thread, polling as an application would) notes when each annotation of those
 * pairs arrives. {@code frames.annotated} is read {@code read_committed} (the exactly-once path: visible at the
 * checkpoint that commits it), {@code frames.annotated.live} {@code read_uncommitted} (the at-least-once path).
 */
final class LatencyProbe {
    /** Milliseconds from capture to arrival per annotation, per topic; and, from the committed path, capture → annotated. */
    record Result(double[] liveMillis, double[] committedMillis, double[] inJobMillis) {}

    private LatencyProbe() {}

    /**
     * @param firstSequence sequence numbers from here are the probe's (the backlog before it used smaller ones)
     */
    static Result run(
            String bootstrap,
            KafkaProducer<byte[], byte[]> producer,
            List<FramePair> templates,
            double rate,
            double seconds,
            long firstSequence)
            throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Reader live =
                new Reader(bootstrap, Topics.FRAMES_ANNOTATED_LIVE.name(), "read_uncommitted", firstSequence, done);
        Reader committed = new Reader(bootstrap, Topics.FRAMES_ANNOTATED.name(), "read_committed", firstSequence, done);
        Thread liveThread = new Thread(live, "latency-live");
        Thread committedThread = new Thread(committed, "latency-committed");
        liveThread.start();
        committedThread.start();
        live.ready.await();
        committed.ready.await();

        long start = System.nanoTime();
        long sent = 0;
        while ((System.nanoTime() - start) / 1e9 < seconds) {
            long due = (long) (rate * (System.nanoTime() - start) / 1e9);
            while (sent < due) {
                BenchFleet.send(
                        producer, templates.get((int) (sent % templates.size())), firstSequence + sent, Instant.now());
                sent++;
            }
            producer.flush();
            Thread.sleep(1);
        }
        // Let the last checkpoint commit what was sent.
        Thread.sleep(3_000);
        done.set(true);
        liveThread.join();
        committedThread.join();
        return new Result(live.arrivals(), committed.arrivals(), committed.inJob());
    }

    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p * sorted.length) - 1))];
    }

    private static final class Reader implements Runnable {
        private final CountDownLatch ready = new CountDownLatch(1);
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final long firstSequence;
        private final AtomicBoolean done;
        private final Deserializer<Annotation> decode =
                BenchFleet.SERDES.valueSerde(Topics.FRAMES_ANNOTATED).deserializer();
        private final List<Double> arrivals = new ArrayList<>();
        private final List<Double> inJob = new ArrayList<>();

        Reader(String bootstrap, String topic, String isolation, long firstSequence, AtomicBoolean done) {
            Map<String, Object> props = new HashMap<>();
            props.put("bootstrap.servers", bootstrap);
            props.put("group.id", "latency-probe-" + topic);
            props.put("auto.offset.reset", "latest");
            props.put("isolation.level", isolation);
            props.put("fetch.max.wait.ms", 5);
            props.put("key.deserializer", ByteArrayDeserializer.class);
            props.put("value.deserializer", ByteArrayDeserializer.class);
            this.consumer = new KafkaConsumer<>(props);
            this.consumer.subscribe(List.of(topic));
            this.firstSequence = firstSequence;
            this.done = done;
        }

        @Override
        public void run() {
            try (consumer) {
                while (consumer.assignment().isEmpty()) {
                    consumer.poll(Duration.ofMillis(50));
                }
                consumer.assignment().forEach(consumer::position); // fixes "latest" before the first pair is sent
                ready.countDown();
                while (!done.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.currentTimeMillis();
                        Annotation a = decode.deserialize(r.topic(), r.value());
                        if (a.getAuxSequence() < firstSequence) {
                            continue;
                        }
                        arrivals.add((double) (now - a.getCaptureTime().toEpochMilli()));
                        inJob.add(Duration.between(a.getCaptureTime(), a.getAnnotatedTime())
                                        .toNanos()
                                / 1e6);
                    }
                }
            } finally {
                ready.countDown();
            }
        }

        double[] arrivals() {
            return arrivals.stream().mapToDouble(Double::doubleValue).toArray();
        }

        double[] inJob() {
            return inJob.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }
}
