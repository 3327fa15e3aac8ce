package dev.edgevl.console;

import dev.edgevl.avro.LabelAction;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes label changes to {@code labels}, where the teacher service picks them up: for the CLI and the console. */
public final class LabelWriter {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private LabelWriter() {}

    /**
     * Adding or removing {@code label}; {@code templates} empty: the teacher service's own prompt templates.
     *
     * @throws IllegalArgumentException when the label is blank
     */
    public static LabelEvent event(String label, LabelAction action, List<String> templates, String author) {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("A label must not be blank.");
        }
        return LabelEvent.newBuilder()
                .setLabel(label.trim())
                .setAction(action)
                .setPromptTemplates(templates)
                .setEventTime(Instant.now())
                .setAuthor(author)
                .build();
    }

    /** Writes the events, each acknowledged by every in-sync replica before the next. */
    public static void send(Map<String, Object> client, AvroSerdes serdes, List<LabelEvent> events) throws Exception {
        Map<String, Object> props = new HashMap<>(client);
        props.put("acks", "all");
        props.put("max.block.ms", (int) SEND_TIMEOUT.toMillis());
        try (KafkaProducer<String, LabelEvent> producer = new KafkaProducer<>(
                props, new StringSerializer(), serdes.valueSerde(Topics.LABELS).serializer())) {
            for (LabelEvent event : events) {
                producer.send(new ProducerRecord<>(Topics.LABELS.name(), event.getLabel(), event))
                        .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
