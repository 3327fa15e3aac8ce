package dev.edgevl.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryModelStoreTest {
    @TempDir
    Path dir;

    private final byte[] bundle = TestBundles.bundle();

    @Test
    void aBundleIsStoredUnderItsDigestAndReadBack() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(dir);

        String sha = store.put(bundle);

        assertThat(sha).isEqualTo(Digests.sha256Hex(bundle));
        assertThat(store.contains(sha)).isTrue();
        assertThat(store.get(sha)).hasValue(bundle);
        assertThat(store.uriOf(sha).getScheme()).isEqualTo("file");
        assertThat(UriFetcher.withLimits(BundleLimits.DEFAULT)
                        .apply(store.uriOf(sha).toString()))
                .isEqualTo(bundle);
        assertThat(files()).containsExactly(sha + ".zip");
    }

    @Test
    void theSameBytesTwiceAreOneFileAndOtherBytesAnother() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        String first = store.put(bundle);
        String again = store.put(bundle.clone());
        String other = store.put(
                new BundleWriter().write(TestBundles.manifest().version(8).build(), TestBundles.files()));

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(files()).containsExactlyInAnyOrder(first + ".zip", other + ".zip");
    }

    @Test
    void aMissingBundleIsEmptyAndADamagedOneIsReportedNotReturned() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        String sha = store.put(bundle);
        String absent = "a".repeat(64);

        assertThat(store.get(absent)).isEmpty();
        assertThat(store.contains(absent)).isFalse();

        byte[] damaged = bundle.clone();
        damaged[100] ^= 0x01;
        Files.write(dir.resolve(sha + ".zip"), damaged);
        assertThatThrownBy(() -> store.get(sha)).isInstanceOf(IOException.class).hasMessageContaining("damaged");
    }

    @Test
    void onlyDigestsAreKeysSoNoKeyEscapesTheDirectory() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        assertThatThrownBy(() -> store.get("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.uriOf("A".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailedWriteLeavesNeitherATempFileNorAFinalOne() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        // A non-empty directory squatting on the final name makes the atomic rename fail after the data is written.
        Path squatter = Files.createDirectories(dir.resolve(Digests.sha256Hex(bundle) + ".zip"));
        Files.writeString(squatter.resolve("keep"), "x");

        assertThatThrownBy(() -> store.put(bundle)).isInstanceOf(IOException.class);

        assertThat(files()).containsExactly(squatter.getFileName().toString());
    }

    @Test
    void leftoversOfACrashedWriterAreSweptOnceStaleButAWriterInFlightIsLeftAlone() throws IOException {
        Path stale =
                Files.write(dir.resolve(AtomicFiles.TEMP_PREFIX + "abc.zip.1" + AtomicFiles.TEMP_SUFFIX), new byte[10]);
        Files.setLastModifiedTime(
                stale,
                FileTime.from(
                        Instant.now().minus(DirectoryModelStore.STALE_TEMP_AGE).minusSeconds(60)));
        Path inFlight =
                Files.write(dir.resolve(AtomicFiles.TEMP_PREFIX + "def.zip.2" + AtomicFiles.TEMP_SUFFIX), new byte[10]);

        new DirectoryModelStore(dir);

        assertThat(files()).containsExactly(inFlight.getFileName().toString());
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
