package dev.edgevl.device.agent;

import dev.edgevl.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.util.Map;

/** The agents' links to Kafka: one consumer of {@code models} + {@code labels.embedded}, one producer to {@code fleet.status}. */
public final class KafkaAgentLinks implements AutoCloseable {
    private final KafkaControlFeed feed;
    private final KafkaStatusSink status;

    public KafkaAgentLinks(Map<String, Object> clientProperties, AvroSerdes serdes) {
        this.status = new KafkaStatusSink(clientProperties, serdes);
        try {
            this.feed = new KafkaControlFeed(clientProperties, serdes);
        } catch (RuntimeException e) {
            status.close();
            throw e;
        }
    }

    public AgentLinks links() {
        return new AgentLinks(feed, status);
    }

    /** Waits until the models and labels already on the topics have been read; false when {@code timeout} passed first. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return feed.awaitCaughtUp(timeout);
    }

    public KafkaStatusSink statusSink() {
        return status;
    }

    @Override
    public void close() {
        feed.close();
        status.close();
    }
}
