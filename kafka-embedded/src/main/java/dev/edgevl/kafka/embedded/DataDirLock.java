package dev.edgevl.kafka.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a second broker off a data dir that one is already using. Kafka's own lock is taken only when the broker
 * part starts, after the controller has already opened (and appended to) the shared metadata log; this lock is
 * taken before anything is formatted or started.
 */
final class DataDirLock implements AutoCloseable {

    static final String FILE_NAME = "edgevl-kafka.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        FileChannel channel;
        try {
            channel = FileChannel.open(dataDir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Could not open the lock file in the Kafka data dir " + dataDir + ": " + e.getMessage(), e);
        }
        FileLock lock = null;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Held by another broker in this JVM; reported below like one in another process.
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("Could not lock the Kafka data dir " + dataDir + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new IllegalStateException("The Kafka data dir " + dataDir + " is already in use by another embedded "
                    + "Kafka broker (in this or another process); stop that one first or choose another data dir.");
        }
        return new DataDirLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it anyway.
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing useful to do; the OS drops the lock when the process ends.
        }
    }
}
