package dev.edgevl.device.agent;

import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.model.zeroshot.LiveLabels;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of the two compacted control topics and who listens to it; no Kafka client in sight, so it is tested
 * without a broker and {@link KafkaControlFeed} only feeds it records.
 *
 * <p>While the backlog is read ({@link #caughtUp()} not yet called) records only update the state: a device that
 * starts against a topic holding fifty versions loads one, the newest. After that, each batch of records is applied
 * and then told to listeners, the newest record per family only. The newest record wins whatever its version number,
 * so a rollback (an earlier version republished) is a new live version like any other. A family's canary record (key
 * {@code FAMILY/canary}) is kept and told beside its fleet-wide one; each device decides which of the two it runs.
 */
public final class ControlHub implements ControlFeed {
    private static final Logger LOG = LoggerFactory.getLogger(ControlHub.class);

    /** One record of {@code models} or {@code labels.embedded}, still encoded; a null value is a tombstone. */
    public record Encoded(String topic, String key, byte[] value, String origin) {}

    private final Deserializer<ModelVersion> models;
    private final Deserializer<LabelEmbedding> labelEmbeddings;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, ModelOffer> newest = new LinkedHashMap<>();
    private LiveLabels labels = LiveLabels.NONE;
    private boolean caughtUp;

    public ControlHub(AvroSerdes serdes) {
        this.models = serdes.valueSerde(Topics.MODELS).deserializer();
        this.labelEmbeddings = serdes.valueSerde(Topics.LABELS_EMBEDDED).deserializer();
    }

    @Override
    public synchronized AutoCloseable subscribe(Listener listener) {
        listeners.add(listener);
        if (caughtUp) {
            newest.values().forEach(listener::onModel);
            listener.onLabels(labels);
        }
        return () -> listeners.remove(listener);
    }

    /** Applies a batch of records in order; once caught up, tells listeners what changed. */
    public synchronized void apply(List<Encoded> records) {
        Map<String, ModelOffer> offers = new LinkedHashMap<>();
        boolean labelsChanged = false;
        for (Encoded r : records) {
            if (Topics.MODELS.name().equals(r.topic())) {
                ModelOffer offer = decodeModel(r);
                if (offer != null) {
                    newest.put(r.key(), offer);
                    offers.put(r.key(), offer);
                }
            } else if (Topics.LABELS_EMBEDDED.name().equals(r.topic())) {
                labelsChanged |= applyLabel(r);
            }
        }
        if (caughtUp) {
            for (ModelOffer offer : offers.values()) {
                listeners.forEach(l -> l.onModel(offer));
            }
            if (labelsChanged) {
                LiveLabels now = labels;
                listeners.forEach(l -> l.onLabels(now));
            }
        }
    }

    /** The backlog is read: tells every listener the current state, and every change from now on. */
    public synchronized void caughtUp() {
        if (caughtUp) {
            return;
        }
        caughtUp = true;
        LOG.info(
                "Read the control topics: {} live model famil{} {}, {}.",
                newest.size(),
                newest.size() == 1 ? "y" : "ies",
                newest.values().stream().map(ModelOffer::describe).toList(),
                labels);
        for (Listener l : listeners) {
            newest.values().forEach(l::onModel);
            l.onLabels(labels);
        }
    }

    public synchronized boolean isCaughtUp() {
        return caughtUp;
    }

    public synchronized LiveLabels labels() {
        return labels;
    }

    private ModelOffer decodeModel(Encoded r) {
        if (r.key() == null || r.key().isBlank()) {
            LOG.warn("Ignored a record without a family key on {} ({}).", r.topic(), r.origin());
            return null;
        }
        if (r.value() == null) {
            // A tombstone cleans a family off the topic; devices keep running what they run.
            LOG.info(
                    "The {} family was removed from {} ({}); devices keep the version they run.",
                    r.key(),
                    r.topic(),
                    r.origin());
            newest.remove(r.key());
            return null;
        }
        boolean canaryKey = Rollouts.isCanaryKey(r.key());
        try {
            ModelVersion record = models.deserialize(r.topic(), r.value());
            if (canaryKey) {
                if (!Rollouts.familyOf(r.key()).equals(record.getFamily()) || record.getRollout() == null) {
                    LOG.warn(
                            "Ignored a record keyed {} on {} ({}): it is not a rollout of that family.",
                            r.key(),
                            r.topic(),
                            r.origin());
                    return null;
                }
                return ModelOffer.canary(record, r.origin());
            }
            if (!r.key().equals(record.getFamily())) {
                return ModelOffer.unreadable(
                        r.key(),
                        "the record is keyed " + r.key() + " but is for the family " + record.getFamily(),
                        r.origin());
            }
            return ModelOffer.of(record, r.origin());
        } catch (RuntimeException e) {
            if (canaryKey) {
                // Devices stay on what the fleet-wide record says; an unreadable canary is no reason to refuse it.
                LOG.warn("Ignored an undecodable canary record on {} ({}): {}", r.topic(), r.origin(), e.getMessage());
                return null;
            }
            return ModelOffer.unreadable(r.key(), "the record cannot be decoded (" + e.getMessage() + ")", r.origin());
        }
    }

    private boolean applyLabel(Encoded r) {
        if (r.key() == null || r.key().isBlank()) {
            LOG.warn("Ignored a label record without a key on {} ({}).", r.topic(), r.origin());
            return false;
        }
        if (r.value() == null) {
            LiveLabels before = labels;
            labels = labels.without(r.key());
            return labels != before;
        }
        try {
            // The key is what compaction and tombstones go by, so it names the label; LiveLabels judges the content.
            labels = labels.apply(r.key(), labelEmbeddings.deserialize(r.topic(), r.value()));
            return true;
        } catch (RuntimeException e) {
            LOG.warn(
                    "Ignored the label record '{}' ({}): it cannot be decoded ({}).",
                    r.key(),
                    r.origin(),
                    e.getMessage());
            return false;
        }
    }

    /** For a single record, e.g. in tests. */
    public void apply(Encoded record) {
        List<Encoded> one = new ArrayList<>(1);
        one.add(record);
        apply(one);
    }
}
