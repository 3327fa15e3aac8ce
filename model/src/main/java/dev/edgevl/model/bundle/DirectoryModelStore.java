package dev.edgevl.model.bundle;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ModelStore} in a local or shared directory: one file per bundle, named {@code <sha256>.zip} so an
 * operator can {@code unzip -l} it. Files are written with {@link AtomicFiles}, so a crash leaves at most a hidden
 * temporary file; those are swept when a store is opened, once they are old enough that no writer can still be
 * busy with them.
 */
public final class DirectoryModelStore implements ModelStore {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryModelStore.class);
    private static final String SUFFIX = ".zip";
    /** Far longer than writing any bundle takes, so a sweep never removes another process's file in flight. */
    static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

    private final Path directory;

    public DirectoryModelStore(Path directory) throws IOException {
        this.directory = Files.createDirectories(Objects.requireNonNull(directory, "directory"))
                .toAbsolutePath();
        sweepStaleTemps();
    }

    public Path directory() {
        return directory;
    }

    @Override
    public String put(byte[] bundle) throws IOException {
        String sha = Digests.sha256Hex(bundle);
        if (!contains(sha)) {
            AtomicFiles.write(pathOf(sha), bundle, false);
        }
        return sha;
    }

    /** Re-checks the digest on the way out: a file damaged on disk is reported here, not loaded. */
    @Override
    public Optional<byte[]> get(String sha256Hex) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pathOf(sha256Hex));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String actual = Digests.sha256Hex(bytes);
        if (!actual.equals(sha256Hex)) {
            throw new IOException("the model store file " + pathOf(sha256Hex) + " is damaged (its content has SHA-256 "
                    + actual + "); delete it and republish that version");
        }
        return Optional.of(bytes);
    }

    @Override
    public boolean contains(String sha256Hex) {
        return Files.isRegularFile(pathOf(sha256Hex));
    }

    @Override
    public URI uriOf(String sha256Hex) {
        return pathOf(sha256Hex).toUri();
    }

    private Path pathOf(String sha256Hex) {
        // The digest becomes a file name, so nothing but a digest may pass.
        if (!Digests.isSha256Hex(sha256Hex)) {
            throw new IllegalArgumentException(
                    "a model store key is a lower-case hex SHA-256 (64 characters), not " + sha256Hex);
        }
        return directory.resolve(sha256Hex + SUFFIX);
    }

    private void sweepStaleTemps() throws IOException {
        Instant cutoff = Instant.now().minus(STALE_TEMP_AGE);
        int swept = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, AtomicFiles::isTemp)) {
            for (Path temp : files) {
                if (Files.getLastModifiedTime(temp).toInstant().isBefore(cutoff) && Files.deleteIfExists(temp)) {
                    swept++;
                }
            }
        }
        if (swept > 0) {
            LOG.info(
                    "Removed {} unfinished bundle upload(s) from the model store {}, left by a writer that stopped mid-write.",
                    swept,
                    directory);
        }
    }
}
