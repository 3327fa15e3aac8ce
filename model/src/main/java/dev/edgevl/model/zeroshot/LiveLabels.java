package dev.edgevl.model.zeroshot;

import dev.edgevl.avro.LabelEmbedding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The labels of {@code labels.embedded} as they arrived, and the one rule that turns them into the {@link LabelSet} a
 * model scores with. The stream job, the device agents and the distiller all read the topic through this class, so
 * they agree on which labels are usable.
 *
 * <p>A label is left out of a selection, never refused with an exception, when its record cannot be used: its key and
 * its label differ, its embedding is empty, all zeros or holds a NaN or an infinity, it was embedded by another teacher
 * than the model's, or its size is not the model's. What was left out, and why, comes with the selection.
 *
 * <p>Immutable: {@link #apply} returns a new snapshot, so readers on other threads never see one half changed.
 */
public final class LiveLabels {
    public static final LiveLabels NONE = new LiveLabels(Map.of());

    /** One label as its record had it. {@code problem} is why it can never be used whatever the model, or null. */
    private record Entry(String label, String teacherId, float[] embedding, String problem) {}

    /** A label a selection left out, and why, in a few words. */
    public record LeftOut(String label, String reason) {
        @Override
        public String toString() {
            return "'" + label + "' (" + reason + ")";
        }
    }

    /**
     * The labels a model can score with.
     *
     * @param labels    the usable labels, normalized
     * @param teacherId the teacher they were embedded by (the one asked for, or the one most labels came from); null when none
     * @param leftOut   the labels that were not usable, sorted by label
     */
    public record Selection(LabelSet labels, String teacherId, List<LeftOut> leftOut) {
        public Selection {
            leftOut = List.copyOf(leftOut);
        }

        /** One sentence for a log: how many labels were left out, which, and why. */
        public String describe() {
            return "Left out " + leftOut.size() + " of " + (labels.size() + leftOut.size()) + " live labels: "
                    + leftOut.stream().map(LeftOut::toString).collect(Collectors.joining(", "))
                    + "; scoring with the other "
                    + labels.size() + ".";
        }
    }

    private final Map<String, Entry> entries;
    private final Map<String, Selection> selections = new ConcurrentHashMap<>();

    private LiveLabels(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * This snapshot after one record of {@code labels.embedded}: {@code value} null (a tombstone) removes the label
     * {@code key}, anything else adds or replaces it. The key names the label (compaction and tombstones go by it).
     */
    public LiveLabels apply(String key, LabelEmbedding value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            return without(key);
        }
        String problem = null;
        if (!key.equals(value.getLabel())) {
            problem = "the record is keyed '" + key + "' but embeds '" + value.getLabel() + "'";
        }
        return put(key, value.getTeacherId(), Embeddings.unboxed(value.getEmbedding()), problem);
    }

    /** This snapshot with {@code label} added or its embedding replaced. */
    public LiveLabels with(String label, String teacherId, float[] embedding) {
        return put(Objects.requireNonNull(label, "label"), teacherId, embedding.clone(), null);
    }

    /** This snapshot without {@code label}; the same snapshot when it had none. */
    public LiveLabels without(String label) {
        if (!entries.containsKey(label)) {
            return this;
        }
        Map<String, Entry> next = new TreeMap<>(entries);
        next.remove(label);
        return new LiveLabels(next);
    }

    private LiveLabels put(String label, String teacherId, float[] embedding, String problem) {
        Map<String, Entry> next = new TreeMap<>(entries);
        next.put(
                label,
                new Entry(
                        label, teacherId, embedding, problem != null ? problem : problem(label, teacherId, embedding)));
        return new LiveLabels(next);
    }

    public int size() {
        return entries.size();
    }

    public boolean contains(String label) {
        return entries.containsKey(label);
    }

    /** Every live label, usable or not, sorted. */
    public Set<String> labels() {
        return entries.keySet();
    }

    /**
     * The labels a model of {@code teacherId} with {@code dim}-value embeddings can score with.
     *
     * @param teacherId the model's teacher; null takes the teacher that most usable labels were embedded by
     * @param dim       the model's embedding size; 0 takes the size most of that teacher's labels have
     */
    public Selection select(String teacherId, int dim) {
        return selections.computeIfAbsent(teacherId + "\u0000" + dim, k -> build(teacherId, dim));
    }

    private Selection build(String teacherId, int dim) {
        List<Entry> sound =
                entries.values().stream().filter(e -> e.problem() == null).toList();
        String teacher = teacherId != null ? teacherId : mostCommon(sound, Entry::teacherId, null);
        int size = dim > 0
                ? dim
                : mostCommon(
                        sound.stream()
                                .filter(e -> e.teacherId().equals(teacher))
                                .toList(),
                        e -> e.embedding().length,
                        0);
        Map<String, float[]> usable = new LinkedHashMap<>();
        List<LeftOut> leftOut = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.problem() != null) {
                leftOut.add(new LeftOut(e.label(), e.problem()));
            } else if (!e.teacherId().equals(teacher)) {
                leftOut.add(new LeftOut(e.label(), "embedded by the teacher " + e.teacherId() + ", not " + teacher));
            } else if (e.embedding().length != size) {
                leftOut.add(new LeftOut(
                        e.label(), e.embedding().length + " values where the model's embeddings have " + size));
            } else {
                usable.put(e.label(), e.embedding());
            }
        }
        return new Selection(usable.isEmpty() ? LabelSet.empty() : LabelSet.of(usable), teacher, leftOut);
    }

    /** Why an embedding can never be scored against, or null when it can. */
    private static String problem(String label, String teacherId, float[] embedding) {
        if (label.isBlank()) {
            return "a blank label";
        }
        if (teacherId == null || teacherId.isBlank()) {
            return "no teacher named";
        }
        if (embedding.length == 0) {
            return "an empty embedding";
        }
        double sum = 0;
        for (float x : embedding) {
            if (!Float.isFinite(x)) {
                return "a NaN or infinite value in its embedding";
            }
            sum += (double) x * x;
        }
        return sum == 0 ? "an all-zero embedding, which matches nothing" : null;
    }

    /** The most frequent value; ties go to the value of the label that sorts first, so every reader picks the same. */
    private static <T> T mostCommon(List<Entry> entries, java.util.function.Function<Entry, T> key, T none) {
        Map<T, Integer> counts = new HashMap<>();
        Map<T, Integer> first = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            T k = key.apply(entries.get(i));
            counts.merge(k, 1, Integer::sum);
            first.putIfAbsent(k, i);
        }
        return counts.keySet().stream()
                .max(Comparator.<T>comparingInt(counts::get).thenComparing(k -> -first.get(k)))
                .orElse(none);
    }

    @Override
    public String toString() {
        return entries.size() + " labels " + entries.keySet();
    }
}
