package dev.edgevl.inference;

import dev.edgevl.schemas.topics.TopicFollower;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A {@link ControlFeed} on a {@link TopicFollower} of its own (every partition of the model and label topics, from the
 * start, read committed, no group), whose thread queues what it reads for the task thread.
 */
final class KafkaControlFeed implements ControlFeed, TopicFollower.Listener {
    private final String modelsTopic;
    private final String labelsTopic;
    private final ConcurrentLinkedQueue<Control> queue = new ConcurrentLinkedQueue<>();
    private final TopicFollower follower;
    private volatile RuntimeException failure;

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
            Map<String, String> p = new HashMap<>(properties);
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            return new KafkaControlFeed(p, modelsTopic, labelsTopic, clientId);
        }
    }

    private KafkaControlFeed(Map<String, String> properties, String modelsTopic, String labelsTopic, String name) {
        this.modelsTopic = modelsTopic;
        this.labelsTopic = labelsTopic;
        this.follower = new TopicFollower(properties, List.of(modelsTopic, labelsTopic), name, this);
    }

    @Override
    public void records(List<ConsumerRecord<byte[], byte[]>> batch) {
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            Control.Kind kind = r.topic().equals(modelsTopic) ? Control.Kind.MODEL : Control.Kind.LABEL;
            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            queue.add(new Control(kind, key, r.value(), r.topic() + "-" + r.partition() + "@" + r.offset()));
        }
    }

    @Override
    public void failed(RuntimeException error) {
        failure = error;
    }

    @Override
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout) && failure == null;
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
        follower.close();
    }
}
