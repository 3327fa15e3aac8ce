package dev.edgevl.eval.live;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.FrameTruth;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Live accuracy against ground truth: reads frames.annotated, sim.truth and frames.paired from the
 * beginning (read_committed, no consumer group, so it commits nothing and disturbs no one) on its
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
     */
    public record Options(
            String scenario,
            Duration window,
            Duration step,
            int matchCapacity,
            List<LiveEvent> events,
            LiveSummary.Targets targets) {
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
                    LiveSummary.Targets.DEFAULT);
        }
    }

    private final LiveTally tally;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroSerdes serdes;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts reading at once.
     *
     * @param baseline the teacher baseline to feed (the caller owns it and closes it after this), or null for none
     */
    public LiveEvaluator(String bootstrapServers, AvroSerdes serdes, Options options, TeacherBaseline baseline) {
        this.serdes = Objects.requireNonNull(serdes, "serdes");
        this.tally = new LiveTally(options, baseline);
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        props.put("client.id", "edgevl-live-evaluator");
        props.put("max.partition.fetch.bytes", Integer.toString(4 * 1024 * 1024));
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

    private void run() {
        Deserializer<Annotation> annotations =
                serdes.valueSerde(Topics.FRAMES_ANNOTATED).deserializer();
        Deserializer<FrameTruth> truths = serdes.valueSerde(Topics.SIM_TRUTH).deserializer();
        Deserializer<FramePair> pairs = serdes.valueSerde(Topics.FRAMES_PAIRED).deserializer();
        try {
            assignFromBeginning();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        String topic = r.topic();
                        if (topic.equals(Topics.FRAMES_ANNOTATED.name())) {
                            tally.onAnnotation(annotations.deserialize(topic, r.value()));
                        } else if (topic.equals(Topics.SIM_TRUTH.name())) {
                            tally.onTruth(truths.deserialize(topic, r.value()));
                        } else {
                            tally.onPair(pairs.deserialize(topic, r.value()));
                        }
                    } catch (RuntimeException e) {
                        // The stream's own dead-letter handling covers bad records; here one is skipped and counted.
                        tally.onUndecodable();
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

    /** Waits until all three topics exist, then reads every partition of each from its beginning. */
    private void assignFromBeginning() {
        List<String> names =
                List.of(Topics.FRAMES_ANNOTATED.name(), Topics.SIM_TRUTH.name(), Topics.FRAMES_PAIRED.name());
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
    }
}
