package dev.edgevl.bench.inference;

import dev.edgevl.avro.FramePair;
import dev.edgevl.eval.live.VisibleLatency;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Capture → visible, where a user sees it: pairs are written live at a fixed rate, stamped with their capture time, and
 * two consumers ({@link VisibleLatency}, as {@code edgevl local} measures it) notes when each annotation
 * arrives. {@code frames.annotated} is read {@code read_committed} (the exactly-once path: visible at the checkpoint
 * that commits it) and {@code read_uncommitted} (the at-least-once path: visible as soon as the job sends it).
 */
final class LatencyProbe {
    /** Capture → arrival on each output. */
    record Result(VisibleLatency.Figures live, VisibleLatency.Figures committed) {}

    private LatencyProbe() {}

    /** @param firstSequence sequence numbers from here are the probe's (the backlog before it used smaller ones) */
    static Result run(
            String bootstrap,
            KafkaProducer<byte[], byte[]> producer,
            List<FramePair> templates,
            double rate,
            double seconds,
            long firstSequence)
            throws Exception {
        Duration whole = Duration.ofHours(1);
        try (AvroSerdes serdes = AvroSerdes.singleObject();
                VisibleLatency live = new VisibleLatency(bootstrap, serdes, Topics.FRAMES_ANNOTATED, false, whole);
                VisibleLatency committed =
                        new VisibleLatency(bootstrap, serdes, Topics.FRAMES_ANNOTATED, true, whole)) {
            live.awaitAssigned(Duration.ofSeconds(30));
            committed.awaitAssigned(Duration.ofSeconds(30));
            long start = System.nanoTime();
            long sent = 0;
            while ((System.nanoTime() - start) / 1e9 < seconds) {
                long due = (long) (rate * (System.nanoTime() - start) / 1e9);
                while (sent < due) {
                    BenchFleet.send(
                            producer,
                            templates.get((int) (sent % templates.size())),
                            firstSequence + sent,
                            Instant.now());
                    sent++;
                }
                producer.flush();
                Thread.sleep(1);
            }
            Thread.sleep(3_000); // the last checkpoint commits what was sent
            return new Result(live.overall(), committed.overall());
        }
    }
}
