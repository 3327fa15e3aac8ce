package dev.edgevl.kafka.embedded;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The data dir's life: made for the broker when none is given, and removed with it. */
final class Directories {

    private static final Logger LOG = LoggerFactory.getLogger(Directories.class);

    private Directories() {}

    static Path createTemp() {
        try {
            return Files.createTempDirectory("edgevl-kafka-");
        } catch (IOException e) {
            throw new IllegalStateException("Could not create a temporary data dir for Kafka: " + e.getMessage(), e);
        }
    }

    static Path createGiven(Path dir) {
        try {
            return Files.createDirectories(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new IllegalStateException("Could not create the Kafka data dir " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Best effort: a leftover temp dir is untidy, not a reason to fail a shutdown. */
    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    // Kafka renames and removes segment files asynchronously; one vanishing mid-walk is fine.
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not delete the Kafka data dir {}: {}", dir, e.getMessage());
        }
    }
}
