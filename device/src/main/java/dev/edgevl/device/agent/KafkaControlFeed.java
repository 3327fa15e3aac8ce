package dev.edgevl.device.agent;

import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.TopicFollower;
import dev.edgevl.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One follower of {@code models} and {@code labels.embedded} ({@link TopicFollower}: from the start, read committed,
 * no consumer group) for all the devices of a process, feeding a {@link ControlHub}.
 */
public final class KafkaControlFeed implements ControlFeed, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaControlFeed.class);
    private static final String NAME = "edgevl-agent-control";

    private final ControlHub hub;
    private final TopicFollower follower;

    /**
     * Starts reading at once.
     *
     * @param clientProperties Kafka client properties (bootstrap servers, security…); group and offsets are the feed's own
     */
    public KafkaControlFeed(Map<String, Object> clientProperties, AvroSerdes serdes) {
        this.hub = new ControlHub(serdes);
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, NAME);
        this.follower = new TopicFollower(
                props,
                List.of(Topics.MODELS.name(), Topics.LABELS_EMBEDDED.name()),
                NAME,
                new TopicFollower.Listener() {
                    @Override
                    public void records(List<ConsumerRecord<byte[], byte[]>> batch) {
                        hub.apply(batch.stream().map(KafkaControlFeed::encoded).toList());
                    }

                    @Override
                    public void caughtUp() {
                        hub.caughtUp();
                    }

                    @Override
                    public void failed(RuntimeException error) {
                        LOG.error(
                                "The agents' control feed failed ({}); devices keep their models but hear of no new ones"
                                        + " until restarted.",
                                error.toString(),
                                error);
                    }
                });
    }

    private static ControlHub.Encoded encoded(ConsumerRecord<byte[], byte[]> r) {
        return new ControlHub.Encoded(
                r.topic(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                r.value(),
                r.topic() + "-" + r.partition() + "@" + r.offset());
    }

    @Override
    public AutoCloseable subscribe(Listener listener) {
        return hub.subscribe(listener);
    }

    /** Waits until what was on the topics at start has been read; false when {@code timeout} passed first. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    @Override
    public void close() {
        follower.close();
    }
}
