package dev.edgevl.distill;

import dev.edgevl.model.bundle.AtomicFiles;
import dev.edgevl.model.bundle.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The float training weights behind each bundle, by the bundle's SHA-256: {@code <dir>/<sha256>.params}. A bundle
 * carries only int8 weights, so the next round continues from these rather than from a quantized copy.
 */
public final class Checkpoints {
    private final Path dir;

    public Checkpoints(Path dir) {
        this.dir = dir;
    }

    public static Checkpoints in(Path storeDir) {
        return new Checkpoints(storeDir.resolve("checkpoints"));
    }

    public void put(String bundleSha256, byte[] weights) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(file(bundleSha256), weights, false);
    }

    public Optional<byte[]> get(String bundleSha256) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(file(bundleSha256)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private Path file(String sha) {
        if (!Digests.isSha256Hex(sha)) {
            throw new IllegalArgumentException("a checkpoint is named by a bundle's hex SHA-256, not " + sha);
        }
        return dir.resolve(sha + ".params");
    }
}
