package dev.edgevl.distill;

import dev.edgevl.avro.ModelVersion;
import dev.edgevl.model.bundle.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every version the distiller made, promoted or not, as its signed {@code models} record without the inline bundle
 * (the bundle itself is in the model store under its SHA-256): {@code <dir>/<family>/<version>.avro}. The compacted
 * {@code models} topic keeps only the live record of a family; this is the history that {@code edgevl models list},
 * {@code promote} and {@code rollback} read. Files are written atomically.
 */
public final class ModelCatalog {
    private static final Pattern FAMILY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String SUFFIX = ".avro";

    private final Path dir;

    public ModelCatalog(Path dir) {
        this.dir = dir;
    }

    public static ModelCatalog in(Path storeDir) {
        return new ModelCatalog(storeDir.resolve("catalog"));
    }

    public void add(ModelVersion record) throws IOException {
        ModelVersion stripped = ModelVersion.newBuilder(record).setBundle(null).build();
        Path file = file(record.getFamily(), record.getVersion());
        Files.createDirectories(file.getParent());
        ByteBuffer encoded = ModelVersion.getEncoder().encode(stripped);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        AtomicFiles.write(file, bytes, false);
    }

    public Optional<ModelVersion> get(String family, long version) throws IOException {
        Path file = file(family, version);
        try {
            return Optional.of(ModelVersion.getDecoder().decode(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public boolean contains(String family, long version) {
        return Files.isRegularFile(file(family, version));
    }

    /** The family's versions, oldest first. */
    public List<ModelVersion> list(String family) throws IOException {
        Path familyDir = dir.resolve(checked(family));
        if (!Files.isDirectory(familyDir)) {
            return List.of();
        }
        List<ModelVersion> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(familyDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .toList()) {
                out.add(ModelVersion.getDecoder().decode(Files.readAllBytes(f)));
            }
        }
        out.sort(Comparator.comparingLong(ModelVersion::getVersion));
        return out;
    }

    /** The highest version number of the family in the catalogue; 0 when it has none. */
    public long latestVersion(String family) {
        try {
            List<ModelVersion> all = list(family);
            return all.isEmpty() ? 0 : all.get(all.size() - 1).getVersion();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model catalogue in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return dir;
    }

    private Path file(String family, long version) {
        return dir.resolve(checked(family)).resolve(version + SUFFIX);
    }

    /** A family becomes a directory name, so only plain names pass. */
    private static String checked(String family) {
        if (family == null || !FAMILY.matcher(family).matches()) {
            throw new IllegalArgumentException(
                    "a model family is letters, digits, '.', '_' and '-' (up to 64), not '" + family + "'");
        }
        return family;
    }
}
