package dev.edgevl.ingest.agent;

import dev.edgevl.model.zeroshot.LabelSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live labels ({@code labels.embedded}) at one moment, shared by every device of a process: immutable, so a
 * device reads it without locks, and the label set for a model's embedding size is built once per snapshot.
 */
public final class LiveLabels {
    private static final Logger LOG = LoggerFactory.getLogger(LiveLabels.class);
    public static final LiveLabels NONE = new LiveLabels(Map.of());

    private final Map<String, float[]> embeddings;
    private final Map<Integer, LabelSet> byDim = new ConcurrentHashMap<>();

    private LiveLabels(Map<String, float[]> embeddings) {
        this.embeddings = Collections.unmodifiableMap(embeddings);
    }

    /** This snapshot with {@code label} added or its embedding replaced. */
    public LiveLabels with(String label, float[] embedding) {
        Map<String, float[]> next = new LinkedHashMap<>(embeddings);
        next.put(label, embedding.clone());
        return new LiveLabels(next);
    }

    /** This snapshot without {@code label}; the same snapshot when it had none. */
    public LiveLabels without(String label) {
        if (!embeddings.containsKey(label)) {
            return this;
        }
        Map<String, float[]> next = new LinkedHashMap<>(embeddings);
        next.remove(label);
        return new LiveLabels(next);
    }

    public int size() {
        return embeddings.size();
    }

    public boolean contains(String label) {
        return embeddings.containsKey(label);
    }

    /**
     * The labels whose embeddings a model of {@code dim} outputs can be compared with. Others (embedded by another
     * teacher) are left out, with one warning per snapshot.
     */
    public LabelSet forDim(int dim) {
        return byDim.computeIfAbsent(dim, this::build);
    }

    private LabelSet build(int dim) {
        Map<String, float[]> usable = new LinkedHashMap<>();
        List<String> skipped = new java.util.ArrayList<>();
        embeddings.forEach((label, embedding) -> {
            if (embedding.length == dim) {
                usable.put(label, embedding);
            } else {
                skipped.add(label + " (" + embedding.length + ")");
            }
        });
        if (!skipped.isEmpty()) {
            LOG.warn("Left out labels whose embedding size is not the model's {}: {}; they were embedded by another teacher.", dim, skipped);
        }
        try {
            return usable.isEmpty() ? LabelSet.empty() : LabelSet.of(usable);
        } catch (IllegalArgumentException e) {
            // One unusable embedding (all zeros, NaN) must not cost the devices every other label.
            LOG.warn("Some live labels cannot be used ({}); devices score without the unusable ones.", e.getMessage());
            Map<String, float[]> sane = new LinkedHashMap<>();
            usable.forEach((label, embedding) -> {
                try {
                    LabelSet.of(Map.of(label, embedding));
                    sane.put(label, embedding);
                } catch (IllegalArgumentException ignored) {
                    // left out
                }
            });
            return sane.isEmpty() ? LabelSet.empty() : LabelSet.of(sane);
        }
    }

    @Override
    public String toString() {
        return embeddings.size() + " labels " + embeddings.keySet();
    }
}
