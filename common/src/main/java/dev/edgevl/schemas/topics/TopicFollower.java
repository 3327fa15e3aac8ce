package dev.edgevl.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows compacted topics (the control topics {@code models} and {@code labels.embedded}) on a daemon thread of its
 * own: every partition, from the start, {@code read_committed} (a transactional publisher's aborted records never
 * arrive), without a consumer group — nothing is committed, the state is the topics' content, and every start reads
 * them again. A topic that does not exist yet is waited for, never created here with the wrong layout. Says once when
 * everything that was on the topics at the start has been read.
 */
public final class TopicFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** What the follower hands on, on its thread. */
    public interface Listener {
        /** The records of one poll, in order within each partition. */
        void records(List<ConsumerRecord<byte[], byte[]>> batch);

        /** Everything on the topics when the follower started has been read; called once. */
        default void caughtUp() {}

        /** Reading stopped for good (not called on {@link #close}). */
        default void failed(RuntimeException error) {}
    }

    private final String name;
    private final List<String> topics;
    private final Listener listener;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * Starts following at once.
     *
     * @param clientProperties Kafka client properties (bootstrap servers, security…); group and offsets are the
     *     follower's own
     * @param name             the thread's name and, unless the properties give one, the client id
     */
    public TopicFollower(Map<String, ?> clientProperties, List<String> topics, String name, Listener listener) {
        this.name = name;
        this.topics = List.copyOf(topics);
        this.listener = listener;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, name);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until what was on the topics at the start has been read; false when {@code timeout} passed first. */
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
                if (!records.isEmpty()) {
                    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
                    records.forEach(batch::add);
                    listener.records(batch);
                }
                if (caughtUp.getCount() > 0
                        && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    listener.caughtUp();
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                listener.failed(new IllegalStateException(name + " was woken up while running", e));
            }
        } catch (RuntimeException e) {
            if (running) {
                listener.failed(e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The partitions of every topic, waiting (and saying so once) while one does not exist yet; null when closed. */
    private List<TopicPartition> awaitPartitions() {
        boolean warned = false;
        while (running) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos;
                try {
                    infos = consumer.partitionsFor(topic);
                } catch (TimeoutException e) {
                    infos = null; // the broker is not reachable yet: the same as a missing topic, wait and ask again
                }
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
                LOG.warn(
                        "{} waits for the topic(s) {} to exist; create them with 'edgevl topics create'.",
                        name,
                        missing);
                warned = true;
            }
            try {
                Thread.sleep(RETRY.toMillis());
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
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
