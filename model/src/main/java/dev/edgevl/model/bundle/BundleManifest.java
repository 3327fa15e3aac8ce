package dev.edgevl.model.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.edgevl.avro.Modality;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code manifest.json}: what a bundle holds and what the model in it expects. Readers ignore fields they do not know,
 * so a field can be added without a new {@code formatVersion}; the version only moves when an older reader would
 * misread the bundle.
 *
 * @param formatVersion  layout of the bundle; stamped by {@link BundleWriter}
 * @param family         model family, also the key of the {@code models} topic
 * @param version        version within the family
 * @param parentVersion  the version this one was trained from; null for the first
 * @param createdAt      when the bundle was made (kept to the millisecond, as the {@code models} record keeps it)
 * @param teacherId      the teacher whose embedding space the model outputs
 * @param embeddingDim   length of the output embedding
 * @param input          what the model expects as input
 * @param labelSetHash   hash of the label set it was trained and gated with; null if none
 * @param metrics        training and gate metrics
 * @param quantization   how the weights and activations are quantized, in words (e.g. "int8 static QDQ, per-channel
 *                       weights, per-tensor activations"), or "none"
 * @param entry          the file a loader opens, e.g. {@code model.onnx}
 * @param modalityEntries files a loader opens instead of {@code entry} for the images of one modality (modality name →
 *                       file), e.g. a graph that learnt thermal further than the shared one; absent when one graph
 *                       serves every modality. A reader that does not know the field runs {@code entry} for all, as
 *                       before it existed.
 * @param files          SHA-256 (lower-case hex) of every file in the bundle but the manifest; stamped by
 *                       {@link BundleWriter}
 */
public record BundleManifest(
        @JsonProperty(required = true) int formatVersion,
        @JsonProperty(required = true) String family,
        @JsonProperty(required = true) long version,
        Long parentVersion,
        @JsonProperty(required = true) Instant createdAt,
        @JsonProperty(required = true) String teacherId,
        @JsonProperty(required = true) int embeddingDim,
        @JsonProperty(required = true) BundleInput input,
        String labelSetHash,
        Map<String, Double> metrics,
        @JsonProperty(required = true) String quantization,
        @JsonProperty(required = true) String entry,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> modalityEntries,
        @JsonProperty(required = true) Map<String, String> files) {

    /** The format {@link BundleWriter} writes and the newest one {@link ModelBundle} reads. */
    public static final int FORMAT_VERSION = 1;

    public BundleManifest {
        if (formatVersion < 1) {
            throw new IllegalArgumentException("formatVersion must be 1 or more, not " + formatVersion);
        }
        requireText(family, "family");
        requireText(teacherId, "teacherId");
        requireText(quantization, "quantization");
        requireText(entry, "entry");
        if (version < 0 || (parentVersion != null && parentVersion < 0)) {
            throw new IllegalArgumentException(
                    "version and parentVersion must not be negative, not " + version + " and " + parentVersion);
        }
        if (embeddingDim <= 0) {
            throw new IllegalArgumentException("embeddingDim must be positive, not " + embeddingDim);
        }
        createdAt = Objects.requireNonNull(createdAt, "createdAt").truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(input, "input");
        metrics = sorted(metrics == null ? Map.of() : metrics);
        metrics.forEach((name, value) -> {
            if (value == null || !Double.isFinite(value)) {
                throw new IllegalArgumentException("metric " + name + " must be a finite number, not " + value);
            }
        });
        modalityEntries = sorted(modalityEntries == null ? Map.of() : modalityEntries);
        modalityEntries.forEach((modality, file) -> {
            try {
                Modality.valueOf(modality);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("modalityEntries names " + modality + ", which is not a modality");
            }
            requireText(file, "the entry file of " + modality);
        });
        files = sorted(Objects.requireNonNull(files, "files"));
        files.forEach((name, sha) -> {
            if (!Digests.isSha256Hex(sha)) {
                throw new IllegalArgumentException("file " + name + " needs a lower-case hex SHA-256, not " + sha);
            }
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same manifest listing these file digests; how the writer stamps them. */
    public BundleManifest withFiles(int format, Map<String, String> fileDigests) {
        return new BundleManifest(
                format,
                family,
                version,
                parentVersion,
                createdAt,
                teacherId,
                embeddingDim,
                input,
                labelSetHash,
                metrics,
                quantization,
                entry,
                modalityEntries,
                fileDigests);
    }

    /** The file a loader opens for this modality's images: its own graph when the bundle has one, else the entry. */
    public String entryFor(Modality modality) {
        return modalityEntries.getOrDefault(modality.name(), entry);
    }

    /** "student v7", the way logs and errors name a bundle. */
    public String displayName() {
        return family + " v" + version;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static <V> Map<String, V> sorted(Map<String, V> map) {
        return Collections.unmodifiableMap(new TreeMap<>(map));
    }

    /** Builds a manifest for {@link BundleWriter}, which fills in the format version and the file digests. */
    public static final class Builder {
        private String family;
        private long version;
        private Long parentVersion;
        private Instant createdAt;
        private String teacherId;
        private int embeddingDim;
        private BundleInput input;
        private String labelSetHash;
        private final Map<String, Double> metrics = new LinkedHashMap<>();
        private String quantization = "none";
        private String entry;
        private final Map<String, String> modalityEntries = new LinkedHashMap<>();

        private Builder() {}

        public Builder family(String family) {
            this.family = family;
            return this;
        }

        public Builder version(long version) {
            this.version = version;
            return this;
        }

        public Builder parentVersion(Long parentVersion) {
            this.parentVersion = parentVersion;
            return this;
        }

        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        public Builder teacherId(String teacherId) {
            this.teacherId = teacherId;
            return this;
        }

        public Builder embeddingDim(int embeddingDim) {
            this.embeddingDim = embeddingDim;
            return this;
        }

        public Builder input(BundleInput input) {
            this.input = input;
            return this;
        }

        public Builder labelSetHash(String labelSetHash) {
            this.labelSetHash = labelSetHash;
            return this;
        }

        public Builder metric(String name, double value) {
            metrics.put(name, value);
            return this;
        }

        public Builder metrics(Map<String, Double> values) {
            metrics.putAll(values);
            return this;
        }

        public Builder quantization(String quantization) {
            this.quantization = quantization;
            return this;
        }

        public Builder entry(String entry) {
            this.entry = entry;
            return this;
        }

        /** The file a loader opens for this modality's images instead of the entry file. */
        public Builder modalityEntry(Modality modality, String file) {
            modalityEntries.put(modality.name(), file);
            return this;
        }

        public BundleManifest build() {
            return new BundleManifest(
                    FORMAT_VERSION,
                    family,
                    version,
                    parentVersion,
                    createdAt,
                    teacherId,
                    embeddingDim,
                    input,
                    labelSetHash,
                    metrics,
                    quantization,
                    entry,
                    modalityEntries,
                    Map.of());
        }
    }
}
