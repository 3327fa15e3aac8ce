package dev.edgevl.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Formatting writes a few small files and starts nothing, so it is checked here rather than in an IT. */
class KraftStorageTest {

    @TempDir
    Path dir;

    @Test
    void formatsOnceThenReadsTheSameClusterIdBack() {
        Path logDir = dir.resolve("kafka-logs");
        assertThat(KraftStorage.isFormatted(logDir)).isFalse();

        String first = KraftStorage.formatOrReuse(logDir);
        assertThat(KraftStorage.isFormatted(logDir)).isTrue();
        assertThat(first).isNotBlank();

        assertThat(KraftStorage.formatOrReuse(logDir)).isEqualTo(first);
    }

    @Test
    void separateDirsGetSeparateClusters() {
        assertThat(KraftStorage.formatOrReuse(dir.resolve("a")))
                .isNotEqualTo(KraftStorage.formatOrReuse(dir.resolve("b")));
    }
}
