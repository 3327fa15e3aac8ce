package dev.edgevl.model.zeroshot;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live vocabulary: labels and their L2-normalized text embeddings, all of one dimension. Labels
 * are kept in sorted order, so a set built from the same labels and embeddings is the same set with
 * the same {@link #version()} whatever order they arrived in. Immutable; {@link #with} and
 * {@link #without} return new sets.
 */
public final class LabelSet {

    private static final LabelSet EMPTY = new LabelSet(new TreeMap<>());

    private final String[] labels;
    private final int dim;
    /** {@code size × dim}, row-major, rows normalized, in label order. */
    private final float[] matrix;

    private final String version;

    private LabelSet(TreeMap<String, float[]> normalized) {
        this.labels = normalized.keySet().toArray(new String[0]);
        this.dim = normalized.isEmpty() ? 0 : normalized.firstEntry().getValue().length;
        this.matrix = new float[labels.length * dim];
        int row = 0;
        for (float[] embedding : normalized.values()) {
            System.arraycopy(embedding, 0, matrix, row * dim, dim);
            row++;
        }
        this.version = hash(labels, dim, matrix);
    }

    public static LabelSet empty() {
        return EMPTY;
    }

    /** A set of the given labels; embeddings are copied and normalized, so the map may be reused. */
    public static LabelSet of(Map<String, float[]> embeddings) {
        TreeMap<String, float[]> normalized = new TreeMap<>();
        int dim = -1;
        for (Map.Entry<String, float[]> e : embeddings.entrySet()) {
            float[] embedding = checked(e.getKey(), e.getValue(), dim);
            dim = embedding.length;
            normalized.put(e.getKey(), Embeddings.l2Normalize(embedding));
        }
        return normalized.isEmpty() ? EMPTY : new LabelSet(normalized);
    }

    /** This set with {@code label} added, or its embedding replaced. */
    public LabelSet with(String label, float[] embedding) {
        TreeMap<String, float[]> next = toTreeMap();
        next.put(label, Embeddings.l2Normalize(checked(label, embedding, isEmpty() ? -1 : dim)));
        return new LabelSet(next);
    }

    /** This set without {@code label}; the same set when it had no such label. */
    public LabelSet without(String label) {
        if (indexOf(label) < 0) {
            return this;
        }
        TreeMap<String, float[]> next = toTreeMap();
        next.remove(label);
        return next.isEmpty() ? EMPTY : new LabelSet(next);
    }

    /** The labels, sorted; index {@code i} here is row {@code i} of {@link #matrix()}. */
    public List<String> labels() {
        return List.of(labels);
    }

    public String label(int index) {
        return labels[index];
    }

    /** The label's position in {@link #labels()}, or -1. */
    public int indexOf(String label) {
        return label == null ? -1 : Math.max(-1, Arrays.binarySearch(labels, label));
    }

    public boolean contains(String label) {
        return indexOf(label) >= 0;
    }

    /** The label's normalized embedding (a copy). */
    public float[] embedding(String label) {
        int i = indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("No label '" + label + "' in this set.");
        }
        return Arrays.copyOfRange(matrix, i * dim, (i + 1) * dim);
    }

    /** All embeddings as one {@code size × dim} row-major array (a copy), e.g. to wrap as a tensor. */
    public float[] matrix() {
        return matrix.clone();
    }

    float[] matrixView() {
        return matrix;
    }

    public int size() {
        return labels.length;
    }

    /** Embedding dimension; 0 for the empty set. */
    public int dim() {
        return dim;
    }

    public boolean isEmpty() {
        return labels.length == 0;
    }

    /**
     * Hex SHA-256 over the sorted labels and their normalized embeddings: each label as its UTF-8
     * length (int) and bytes, then the dimension (int) and the embedding's IEEE-754 bits (ints), all
     * big-endian. Annotations carry it as {@code labelSetVersion}, so a score can be traced to the
     * exact vocabulary it was computed over.
     */
    public String version() {
        return version;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSet other
                && other.dim == dim
                && Arrays.equals(other.labels, labels)
                && Arrays.equals(other.matrix, matrix);
    }

    @Override
    public int hashCode() {
        return version.hashCode();
    }

    @Override
    public String toString() {
        return "LabelSet[" + labels.length + " labels × " + dim + ", version " + version.substring(0, 12) + "]";
    }

    private TreeMap<String, float[]> toTreeMap() {
        TreeMap<String, float[]> map = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            map.put(labels[i], Arrays.copyOfRange(matrix, i * dim, (i + 1) * dim));
        }
        return map;
    }

    /** {@code expectedDim} -1 means any dimension. */
    private static float[] checked(String label, float[] embedding, int expectedDim) {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("Labels must be non-blank strings, got '" + label + "'.");
        }
        if (embedding == null || embedding.length == 0) {
            throw new IllegalArgumentException("Label '" + label + "' has no embedding.");
        }
        if (expectedDim >= 0 && embedding.length != expectedDim) {
            throw new IllegalArgumentException("Label '" + label + "' has a " + embedding.length
                    + "-dimensional embedding but the set's are " + expectedDim
                    + "-dimensional; were they embedded by another teacher?");
        }
        double norm = 0;
        for (float x : embedding) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("Label '" + label + "' has a non-finite value in its embedding.");
            }
            norm += (double) x * x;
        }
        if (norm == 0) {
            throw new IllegalArgumentException(
                    "Label '" + label + "' has an all-zero embedding, which matches nothing.");
        }
        return embedding;
    }

    private static String hash(String[] labels, int dim, float[] matrix) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256.", e);
        }
        ByteBuffer row = ByteBuffer.allocate(4 + 4 * dim);
        for (int i = 0; i < labels.length; i++) {
            byte[] name = labels[i].getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(4).putInt(name.length).array());
            sha.update(name);
            row.clear();
            row.putInt(dim);
            for (int j = 0; j < dim; j++) {
                row.putInt(Float.floatToIntBits(matrix[i * dim + j]));
            }
            sha.update(row.array());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
