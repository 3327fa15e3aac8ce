package dev.edgevl.model.onnx;

import dev.edgevl.avro.Modality;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A student's graphs on ONNX Runtime: the shared one, and any a modality has of its own (see
 * {@code BundleManifest#modalityEntries}). Embedding a mixed batch sends each image to its modality's graph and puts
 * the rows back in the batch's order; with one graph it is a single call, as before graphs could differ.
 */
public final class StudentGraphs implements AutoCloseable {
    private final OnnxStudent shared;
    private final Map<Modality, OnnxStudent> own;

    /**
     * Loads every graph; all must take the same input and give embeddings of the same size.
     *
     * @throws IllegalArgumentException when a graph cannot be loaded or does not match the shared one
     */
    public StudentGraphs(byte[] sharedGraph, Map<Modality, byte[]> ownGraphs, int intraOpThreads) {
        this.shared = new OnnxStudent(sharedGraph, intraOpThreads);
        Map<Modality, OnnxStudent> loaded = new EnumMap<>(Modality.class);
        try {
            for (Map.Entry<Modality, byte[]> e : ownGraphs.entrySet()) {
                OnnxStudent graph = new OnnxStudent(e.getValue(), intraOpThreads);
                loaded.put(e.getKey(), graph);
                if (graph.inputSize() != shared.inputSize() || graph.embeddingDim() != shared.embeddingDim()) {
                    throw new IllegalArgumentException("the " + e.getKey() + " graph maps " + graph.inputSize()
                            + " px to " + graph.embeddingDim() + " values, the shared one " + shared.inputSize()
                            + " px to " + shared.embeddingDim());
                }
            }
        } catch (RuntimeException e) {
            loaded.values().forEach(OnnxStudent::close);
            shared.close();
            throw e;
        }
        this.own = Collections.unmodifiableMap(loaded);
    }

    /** One graph for every modality. */
    public static StudentGraphs single(byte[] graph, int intraOpThreads) {
        return new StudentGraphs(graph, Map.of(), intraOpThreads);
    }

    public int inputSize() {
        return shared.inputSize();
    }

    public int embeddingDim() {
        return shared.embeddingDim();
    }

    /** The modalities with a graph of their own; empty when the shared graph serves all. */
    public Set<Modality> ownGraphs() {
        return own.keySet();
    }

    /** Unit-norm embeddings of {@code count} images of one modality laid end to end, by that modality's graph. */
    public float[][] embed(Modality modality, float[] images, int count) {
        return own.getOrDefault(modality, shared).embed(images, count);
    }

    /**
     * Unit-norm embeddings of images of mixed modalities laid end to end ({@code modalities[i]} is image i's), each by
     * its modality's graph, in the batch's order.
     */
    public float[][] embed(Modality[] modalities, float[] images) {
        int n = modalities.length;
        if (own.isEmpty() || n == 0) {
            return shared.embed(images, n);
        }
        Map<OnnxStudent, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            groups.computeIfAbsent(own.getOrDefault(modalities[i], shared), g -> new ArrayList<>())
                    .add(i);
        }
        if (groups.size() == 1) {
            return groups.keySet().iterator().next().embed(images, n);
        }
        int pixels = 3 * shared.inputSize() * shared.inputSize();
        float[][] out = new float[n][];
        for (Map.Entry<OnnxStudent, List<Integer>> g : groups.entrySet()) {
            List<Integer> rows = g.getValue();
            float[] part = new float[rows.size() * pixels];
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(images, rows.get(r) * pixels, part, r * pixels, pixels);
            }
            float[][] embedded = g.getKey().embed(part, rows.size());
            for (int r = 0; r < rows.size(); r++) {
                out[rows.get(r)] = embedded[r];
            }
        }
        return out;
    }

    @Override
    public void close() {
        own.values().forEach(OnnxStudent::close);
        shared.close();
    }
}
