package dev.edgevl.teacher.labels;

import dev.edgevl.avro.LabelAction;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.schemas.serde.RecordDecodingException;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.streams.DeadLetterOutput;
import dev.edgevl.teacher.service.TeacherCounters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code labels.embedded} in step with {@code labels}: ADD becomes the label's embedding (its prompt
 * templates' text embeddings averaged, or the default templates' when it gives none), REMOVE and a tombstone
 * on {@code labels} become a tombstone, so compaction forgets the label. An event that cannot be applied goes
 * to {@code labels.dlq}. Labels are few and change rarely, so each is embedded on its own, without batching.
 */
final class LabelEmbedder implements Processor<byte[], byte[], Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(LabelEmbedder.class);

    private final TeacherModel teacher;
    private final Deserializer<LabelEvent> deserializer;
    private final String embeddedNode;
    private final DeadLetterOutput deadLetters;
    private final TeacherCounters counters;
    private ProcessorContext<Object, Object> context;

    LabelEmbedder(
            TeacherModel teacher,
            Deserializer<LabelEvent> deserializer,
            String embeddedNode,
            DeadLetterOutput deadLetters,
            TeacherCounters counters) {
        this.teacher = teacher;
        this.deserializer = deserializer;
        this.embeddedNode = embeddedNode;
        this.deadLetters = deadLetters;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        try {
            LabelEvent event = deserializer.deserialize(Topics.LABELS.name(), record.value());
            if (event == null) {
                remove(requireKey(key), record.timestamp());
            } else {
                apply(key, event, record.timestamp());
            }
        } catch (RecordDecodingException | UnusableLabelException e) {
            deadLetters.send(context, record, e);
        }
    }

    private void apply(String key, LabelEvent event, long timestamp) {
        String label = event.getLabel();
        if (label == null || label.isBlank()) {
            throw new UnusableLabelException("The label event has a blank label.");
        }
        if (key != null && !key.equals(label)) {
            throw new UnusableLabelException("The record key '" + key + "' is not the label '" + label
                    + "'; labels are keyed by label," + " or compaction would keep the wrong event.");
        }
        if (event.getAction() == LabelAction.REMOVE) {
            remove(label, timestamp);
        } else if (event.getAction() == LabelAction.ADD) {
            add(label, event.getPromptTemplates(), timestamp);
        } else {
            throw new UnusableLabelException("The event for label '" + label + "' has action " + event.getAction()
                    + ", which this teacher service does not know (written by a newer producer?).");
        }
    }

    private void add(String label, List<String> given, long timestamp) {
        LabelEmbedding out =
                LabelRecords.embedded(teacher, label, given, Instant.ofEpochMilli(context.currentSystemTimeMs()));
        context.forward(new Record<Object, Object>(label, out, timestamp), embeddedNode);
        counters.labelEmbedded();
        LOG.info(
                "Label '{}' embedded by {} from {} prompt templates.",
                label,
                teacher.id(),
                out.getPromptTemplates().size());
    }

    private void remove(String label, long timestamp) {
        context.forward(new Record<Object, Object>(label, null, timestamp), embeddedNode);
        counters.labelRemoved();
        LOG.info("Label '{}' removed: a tombstone went to {}.", label, Topics.LABELS_EMBEDDED.name());
    }

    private static String requireKey(String key) {
        if (key == null) {
            throw new UnusableLabelException("A tombstone without a key names no label to remove.");
        }
        return key;
    }
}
