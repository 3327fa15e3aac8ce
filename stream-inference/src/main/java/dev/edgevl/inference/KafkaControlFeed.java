package dev.edgevl.inference;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ControlFeed} on a Kafka consumer of its own: assigned every partition of the model and label topics, read
 * {@code read_committed} from the start, on a daemon thread that queues what it reads for the task thread. No consumer
 * group: nothing is committed, every start reads the (compacted) topics again.
 */
final class KafkaControlFeed implements ControlFeed {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaControlFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Properties properties;
    private final String modelsTopic;
    private final String labelsTopic;
    private final ConcurrentLinkedQueue<Control> queue = new ConcurrentLinkedQueue<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /** What the job ships to its tasks: client properties and the two topics. */
    record Factory(Map<String, String> properties, String modelsTopic, String labelsTopic)
            implements ControlFeed.Factory {
        private static final long serialVersionUID = 1L;

        Factory {
            properties = new HashMap<>(properties);
        }

        static Factory of(Map<String, Object> client, String modelsTopic, String labelsTopic) {
            Map<String, String> p = new HashMap<>();
            client.forEach((k, v) -> p.put(k, String.valueOf(v)));
            return new Factory(p, modelsTopic, labelsTopic);
        }

        @Override
        public ControlFeed open(String clientId) {
            Properties p = new Properties();
            p.putAll(properties);
            p.remove(ConsumerConfig.GROUP_ID_CONFIG);
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            return new KafkaControlFeed(p, modelsTopic, labelsTopic);
        }
    }

    private KafkaControlFeed(Properties properties, String modelsTopic, String labelsTopic) {
        this.properties = properties;
        this.modelsTopic = modelsTopic;
        this.labelsTopic = labelsTopic;
        this.thread = new Thread(this::run, properties.getProperty(ConsumerConfig.CLIENT_ID_CONFIG));
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = partitions(c);
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    queue.add(control(r));
                }
                if (caughtUp.getCount() > 0 && reached(c, end)) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException | InterruptedException e) {
            if (running) {
                failure = new IllegalStateException("reading " + modelsTopic + " and " + labelsTopic + " stopped", e);
            }
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("Reading {} and {} failed: {}", modelsTopic, labelsTopic, e.toString());
                failure = e;
            }
        } finally {
            consumer = null;
        }
    }

    /** Every partition of both topics, waiting (and saying so once) while either does not exist yet. */
    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) throws InterruptedException {
        boolean told = false;
        while (true) {
            List<TopicPartition> all = new ArrayList<>();
            boolean missing = false;
            for (String topic : List.of(modelsTopic, labelsTopic)) {
                List<PartitionInfo> infos;
                try {
                    infos = c.partitionsFor(topic);
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    infos = List.of();
                }
                missing |= infos == null || infos.isEmpty();
                if (infos != null) {
                    infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
                }
            }
            if (!missing) {
                return all;
            }
            if (!told) {
                LOG.warn(
                        "Waiting for the topics {} and {} to exist; frames are annotated NO_MODEL meanwhile.",
                        modelsTopic,
                        labelsTopic);
                told = true;
            }
            if (!running) {
                throw new InterruptedException("closed");
            }
            Thread.sleep(RETRY.toMillis());
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Control control(ConsumerRecord<byte[], byte[]> r) {
        Control.Kind kind = r.topic().equals(modelsTopic) ? Control.Kind.MODEL : Control.Kind.LABEL;
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        return new Control(kind, key, r.value(), r.topic() + "-" + r.partition() + "@" + r.offset());
    }

    @Override
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure == null;
    }

    @Override
    public List<Control> drain() {
        if (failure != null) {
            throw new IllegalStateException(
                    "Reading " + modelsTopic + " and " + labelsTopic + " failed: " + failure.getMessage(), failure);
        }
        if (queue.isEmpty()) {
            return List.of();
        }
        List<Control> out = new ArrayList<>();
        for (Control c; (c = queue.poll()) != null; ) {
            out.add(c);
        }
        return out;
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
