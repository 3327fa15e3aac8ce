package dev.edgevl.model.onnx;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.VerifiedBundle;
import dev.edgevl.model.preprocess.InputSpec;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * A verified model version loaded on ONNX Runtime, with the preprocessing its manifest asks for: what the stream job
 * and the device agents run. One per parallel instance or device; closing it frees the native session.
 */
public final class LiveModel implements AutoCloseable {
    private final String family;
    private final long version;
    private final String sha256;
    private final String teacherId;
    private final InputSpec spec;
    private final StudentGraphs student;
    private final Map<String, Double> metrics;

    private LiveModel(
            String family,
            long version,
            String sha256,
            String teacherId,
            InputSpec spec,
            StudentGraphs student,
            Map<String, Double> metrics) {
        this.metrics = Map.copyOf(metrics);
        this.family = family;
        this.version = version;
        this.sha256 = sha256;
        this.teacherId = teacherId;
        this.spec = spec;
        this.student = student;
    }

    /**
     * Verifies the record's bundle (SHA-256, trusted key, Ed25519 signature) and loads its model.
     *
     * @throws dev.edgevl.model.bundle.BundleException when verification fails; nothing is loaded then
     * @throws IllegalArgumentException when the verified bundle does not load, or its graph does not take the input or
     *     give the embedding its manifest declares
     */
    public static LiveModel load(ModelVersion record, BundleVerifier verifier, int threads) {
        VerifiedBundle verified = verifier.verify(record);
        InputSpec spec = StudentBundles.inputSpec(verified.manifest().input());
        Map<Modality, byte[]> own = new EnumMap<>(Modality.class);
        verified.manifest()
                .modalityEntries()
                .forEach((modality, file) ->
                        own.put(Modality.valueOf(modality), verified.bundle().entryFile(Modality.valueOf(modality))));
        StudentGraphs student = new StudentGraphs(verified.bundle().entryFile(), own, threads);
        if (student.embeddingDim() != verified.manifest().embeddingDim()) {
            student.close();
            throw new IllegalArgumentException("the model in "
                    + verified.manifest().displayName() + " gives embeddings of " + student.embeddingDim()
                    + " values while its manifest says " + verified.manifest().embeddingDim());
        }
        if (spec.width() != student.inputSize() || spec.height() != student.inputSize() || spec.channels() != 3) {
            student.close();
            throw new IllegalArgumentException("the model in "
                    + verified.manifest().displayName()
                    + " takes images of 3x" + student.inputSize() + "x" + student.inputSize() + " while its manifest"
                    + " says " + spec.channels() + "x" + spec.width() + "x" + spec.height());
        }
        return new LiveModel(
                record.getFamily(),
                record.getVersion(),
                verified.sha256Hex(),
                verified.manifest().teacherId(),
                spec,
                student,
                verified.manifest().metrics());
    }

    public String family() {
        return family;
    }

    public long version() {
        return version;
    }

    public String sha256() {
        return sha256;
    }

    /** The teacher whose embedding space the model outputs: labels are only comparable when that teacher embedded them. */
    public String teacherId() {
        return teacherId;
    }

    /** The signed manifest's training and gate figures. */
    public Map<String, Double> metrics() {
        return metrics;
    }

    public InputSpec spec() {
        return spec;
    }

    public int embeddingDim() {
        return student.embeddingDim();
    }

    /** Unit-norm embeddings of {@code count} preprocessed images laid end to end, by the shared graph (RGB's). */
    public float[][] embed(float[] images, int count) {
        return student.embed(Modality.RGB, images, count);
    }

    /** Unit-norm embeddings of {@code count} preprocessed images of one modality, by that modality's graph. */
    public float[][] embed(Modality modality, float[] images, int count) {
        return student.embed(modality, images, count);
    }

    /** Unit-norm embeddings of preprocessed images of mixed modalities ({@code modalities[i]} is image i's). */
    public float[][] embed(Modality[] modalities, float[] images) {
        return student.embed(modalities, images);
    }

    /** The modalities this version runs a graph of their own for; empty when one graph serves all. */
    public Set<Modality> ownGraphs() {
        return student.ownGraphs();
    }

    @Override
    public void close() {
        student.close();
    }

    @Override
    public String toString() {
        return family + " v" + version + " (sha256 " + sha256.substring(0, 12) + "…)";
    }
}
