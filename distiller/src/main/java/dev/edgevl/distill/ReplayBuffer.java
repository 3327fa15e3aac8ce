package dev.edgevl.distill;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The distiller's memory of teacher-labelled pairs: bounded, balanced across the teacher's pseudo-labels, with a
 * held-out slice the trainer never sees.
 *
 * <ul>
 *   <li>Each pseudo-label (the teacher's zero-shot top-1 over the current labels) gets an equal share of the capacity
 *       and keeps a uniform sample of everything it was offered: a reservoir in its bottom-k form, where every pair
 *       carries a priority hashed from its identity and a label keeps the pairs with the lowest priorities.</li>
 *   <li>Whether a pair is held out is hashed from its identity too, so it never changes and no pair is ever in both
 *       slices.</li>
 *   <li>Hashes instead of a random generator make the content a function of what was offered, not of the order or the
 *       process: replaying the {@code teacher.embeddings} topic after a restart rebuilds the same buffer.</li>
 * </ul>
 * Not thread-safe.
 */
public final class ReplayBuffer {
    /** The two disjoint parts of the buffer. */
    public enum Slice {
        TRAIN,
        HELD_OUT
    }

    /** What happened to an offered pair. */
    public enum Outcome {
        /** Kept in the training slice. */
        TRAINING,
        /** Kept in the held-out slice. */
        HELD_OUT,
        /** Its label's share is full of pairs with lower priorities. */
        NOT_SAMPLED,
        /** The buffer already holds this pair. */
        DUPLICATE,
        /** The pair has no RGB frame or the teacher embedded another modality: stage 1 needs the RGB target. */
        NO_RGB,
        /** Embedded by another teacher than the labels', or of another size: not comparable. */
        OTHER_TEACHER,
        /** The RGB frame is too dark for the teacher's embedding of it to be a target (night, a covered lens). */
        DARK_RGB
    }

    /** A kept pair: its identity, the record, the teacher's embedding, when it was embedded, its hashed priority and slice. */
    public record Sample(
            String id, TeacherEmbedding record, float[] teacher, long embeddedMicros, double priority, Slice slice) {
        /** A sample of a teacher record: its embedding unboxed, embedded when the record says. */
        static Sample of(String id, TeacherEmbedding record, double priority, Slice slice) {
            return new Sample(
                    id,
                    record,
                    Embeddings.unboxed(record.getEmbedding()),
                    micros(record.getEmbeddedTime()),
                    priority,
                    slice);
        }

        /** Raw pixel bytes of both frames: what the sample costs in memory, roughly. */
        long bytes() {
            return record.getPair().getAux().getData().remaining()
                    + record.getPair().getRgb().getData().remaining();
        }
    }

    /** The buffer's content at one moment, in a fixed order (by identity) whatever order the pairs came in. */
    public record Snapshot(List<Sample> train, List<Sample> heldOut, LabelSet labels, String teacherId) {
        public Snapshot {
            train = List.copyOf(train);
            heldOut = List.copyOf(heldOut);
        }
    }

    private static final Comparator<Sample> BY_PRIORITY =
            Comparator.comparingDouble(Sample::priority).thenComparing(Sample::id);
    private static final String UNLABELLED = "";

    private final int capacity;
    private final int heldOutCapacity;
    private final double heldOutFraction;
    private final Map<Slice, Map<String, TreeSet<Sample>>> buckets = new HashMap<>();
    private final Set<String> ids = new HashSet<>();
    private LabelSet labels = LabelSet.empty();
    private String teacherId;
    private long offered;

    public ReplayBuffer(int capacity, int heldOutCapacity, double heldOutFraction) {
        if (capacity < 1 || heldOutCapacity < 1 || !(heldOutFraction > 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException(
                    "a replay buffer needs room in both slices and a held-out fraction between 0 and 1");
        }
        this.capacity = capacity;
        this.heldOutCapacity = heldOutCapacity;
        this.heldOutFraction = heldOutFraction;
        buckets.put(Slice.TRAIN, new TreeMap<>());
        buckets.put(Slice.HELD_OUT, new TreeMap<>());
    }

    public static ReplayBuffer of(DistillerConfig.BufferSizes sizes) {
        return new ReplayBuffer(sizes.capacity(), sizes.heldOutCapacity(), sizes.heldOutFraction());
    }

    public Outcome offer(TeacherEmbedding record) {
        offered++;
        SensorFrame aux = record.getPair().getAux();
        if (record.getPair().getRgb() == null || record.getSourceModality() != Modality.RGB) {
            return Outcome.NO_RGB;
        }
        float[] teacher = Embeddings.unboxed(record.getEmbedding());
        if (teacherId == null) {
            teacherId = record.getTeacherId();
        }
        if (!teacherId.equals(record.getTeacherId()) || (!labels.isEmpty() && teacher.length != labels.dim())) {
            return Outcome.OTHER_TEACHER;
        }
        String id = identity(aux);
        if (ids.contains(id)) {
            return Outcome.DUPLICATE;
        }
        Slice slice = unit(id, "held-out") < heldOutFraction ? Slice.HELD_OUT : Slice.TRAIN;
        Sample sample = new Sample(id, record, teacher, micros(record.getEmbeddedTime()), unit(id, "reservoir"), slice);
        TreeSet<Sample> bucket = buckets.get(slice).computeIfAbsent(label(teacher), k -> new TreeSet<>(BY_PRIORITY));
        bucket.add(sample);
        ids.add(id);
        Sample dropped = trim(bucket, share(slice));
        if (dropped == sample) {
            return Outcome.NOT_SAMPLED;
        }
        return slice == Slice.TRAIN ? Outcome.TRAINING : Outcome.HELD_OUT;
    }

    /**
     * New labels: every kept pair is re-labelled and the shares re-divided, so the buffer stays balanced over the
     * labels people care about now. Pairs of another teacher than the labels' are dropped.
     */
    public void relabel(LabelSet newLabels, String labelTeacherId) {
        labels = newLabels;
        if (labelTeacherId != null) {
            teacherId = labelTeacherId;
        }
        for (Slice slice : Slice.values()) {
            List<Sample> all = new ArrayList<>();
            buckets.get(slice).values().forEach(all::addAll);
            buckets.get(slice).clear();
            for (Sample s : all) {
                if (!s.record().getTeacherId().equals(teacherId)
                        || (!labels.isEmpty() && s.teacher().length != labels.dim())) {
                    ids.remove(s.id());
                    continue;
                }
                buckets.get(slice)
                        .computeIfAbsent(label(s.teacher()), k -> new TreeSet<>(BY_PRIORITY))
                        .add(s);
            }
            for (TreeSet<Sample> bucket : buckets.get(slice).values()) {
                while (bucket.size() > share(slice)) {
                    ids.remove(bucket.pollLast().id());
                }
            }
        }
    }

    public Snapshot snapshot() {
        return new Snapshot(sorted(Slice.TRAIN), sorted(Slice.HELD_OUT), labels, teacherId);
    }

    public int size(Slice slice) {
        return buckets.get(slice).values().stream().mapToInt(TreeSet::size).sum();
    }

    /** Kept pairs per pseudo-label in a slice ("" before there are labels). */
    public Map<String, Integer> perLabel(Slice slice) {
        Map<String, Integer> out = new TreeMap<>();
        buckets.get(slice).forEach((label, bucket) -> out.put(label, bucket.size()));
        return out;
    }

    /** Training pairs embedded after {@code micros}: what a version trained on data up to then has not seen. */
    public int trainingNewerThan(long micros) {
        return (int) buckets.get(Slice.TRAIN).values().stream()
                .flatMap(TreeSet::stream)
                .filter(s -> s.embeddedMicros() > micros)
                .count();
    }

    public long bytes() {
        long total = 0;
        for (Map<String, TreeSet<Sample>> slice : buckets.values()) {
            for (TreeSet<Sample> bucket : slice.values()) {
                for (Sample s : bucket) {
                    total += s.bytes();
                }
            }
        }
        return total;
    }

    public long offered() {
        return offered;
    }

    public LabelSet labels() {
        return labels;
    }

    /** Device, sensor, sequence and capture time of the non-RGB frame: one pair, however often it is replayed. */
    static String identity(SensorFrame aux) {
        return aux.getDeviceId() + "/" + aux.getSensorId() + "/" + aux.getSequence() + "/"
                + micros(aux.getCaptureTime());
    }

    /** A number in [0, 1) hashed from the identity, independent for each purpose. */
    static double unit(String id, String purpose) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(purpose.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            byte[] digest = sha.digest(id.getBytes(StandardCharsets.UTF_8));
            return (ByteBuffer.wrap(digest).getLong() >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static long micros(Instant t) {
        return t == null ? 0 : ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    private String label(float[] teacher) {
        return labels.isEmpty()
                ? UNLABELLED
                : ZeroShotClassifier.classify(teacher, labels, 1).top1().label();
    }

    private int share(Slice slice) {
        int total = slice == Slice.TRAIN ? capacity : heldOutCapacity;
        return Math.max(1, total / Math.max(1, labels.size()));
    }

    private Sample trim(TreeSet<Sample> bucket, int share) {
        if (bucket.size() <= share) {
            return null;
        }
        Sample dropped = bucket.pollLast();
        ids.remove(dropped.id());
        return dropped;
    }

    private List<Sample> sorted(Slice slice) {
        List<Sample> out = new ArrayList<>();
        buckets.get(slice).values().forEach(out::addAll);
        out.sort(Comparator.comparing(Sample::id));
        return out;
    }
}
