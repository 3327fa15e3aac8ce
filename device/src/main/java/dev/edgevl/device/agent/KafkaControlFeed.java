package dev.edgevl.device.agent;

import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of {@code models} and {@code labels.embedded} for all the devices of a process, on a thread of its own.
 * Both topics are compacted and read from the beginning on every start, without a consumer group (nothing to commit:
 * the state is the topics' content), and read committed, so a transactional publisher's aborted records never reach
 * a device.
 */
public final class KafkaControlFeed implements ControlFeed, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaControlFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final List<String> TOPICS = List.of(Topics.MODELS.name(), Topics.LABELS_EMBEDDED.name());

    private final ControlHub hub;
    private final Consumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * Starts reading at once.
     *
     * @param clientProperties Kafka client properties (bootstrap servers, security…); group and offsets are the feed's own
     */
    public KafkaControlFeed(Map<String, Object> clientProperties, AvroSerdes serdes) {
        this.hub = new ControlHub(serdes);
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A missing topic is waited for, never created here with the wrong layout (these two are compacted).
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "edgevl-agent-control");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "edgevl-agent-control");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public AutoCloseable subscribe(Listener listener) {
        return hub.subscribe(listener);
    }

    /** Waits until what was on the topics at start has been read; false when {@code timeout} passed first. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                List<ControlHub.Encoded> batch = new ArrayList<>(records.count());
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    batch.add(new ControlHub.Encoded(
                            r.topic(),
                            r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                            r.value(),
                            r.topic() + "-" + r.partition() + "@" + r.offset()));
                }
                if (!batch.isEmpty()) {
                    hub.apply(batch);
                }
                if (caughtUp.getCount() > 0
                        && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    hub.caughtUp();
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("The agents' control feed was woken up while running; devices hear of no new models now.", e);
            }
        } catch (RuntimeException e) {
            LOG.error(
                    "The agents' control feed failed ({}); devices keep their models but hear of no new ones until restarted.",
                    e.toString(),
                    e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The partitions of both topics, waiting (and saying so) while a topic does not exist yet; null when closed meanwhile. */
    private List<TopicPartition> awaitPartitions() {
        boolean warned = false;
        while (running) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String topic : TOPICS) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic);
                if (infos == null || infos.isEmpty()) {
                    missing.add(topic);
                } else {
                    infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            if (missing.isEmpty()) {
                return partitions;
            }
            if (!warned) {
                LOG.warn("Waiting for the topic(s) {} to exist; create them with 'edgevl topics create'.", missing);
                warned = true;
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
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
