package dev.edgevl.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.config.ConfigException;
import dev.edgevl.config.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class FrameSyncConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        FrameSyncConfig config = FrameSyncConfig.defaults();

        assertThat(config.applicationId()).isEqualTo("edgevl-frame-sync");
        assertThat(config.tolerance()).isEqualTo(Duration.ofMillis(20));
        assertThat(config.grace()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.maxWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.store()).isEqualTo(FrameSyncConfig.StoreKind.IN_MEMORY);
        assertThat(config.rules()).isEqualTo(new FrameMatcher.Rules(20_000, 50_000, 2_000));
        assertThat(FrameSyncConfig.OPTIONS)
                .allSatisfy(option -> assertThat(option.key()).startsWith("sync."))
                .allSatisfy(option -> assertThat(option.description()).isNotBlank());
    }

    @Test
    void settingsOverrideDefaultsInAnyOfTheUsualSpellings() {
        Settings settings = Settings.of(Map.of(
                "sync.tolerance", "12.5ms", "SYNC_GRACE", "0", "sync.max-wait", "PT0.5S", "sync.store", "RocksDB"));

        FrameSyncConfig config = FrameSyncConfig.from(settings);

        assertThat(config.rules())
                .isEqualTo(new FrameMatcher.Rules(13_000, 0, 500)); // durations are kept to the millisecond
        assertThat(config.store()).isEqualTo(FrameSyncConfig.StoreKind.ROCKSDB);
    }

    @Test
    void impossibleValuesAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> FrameSyncConfig.from(Settings.of(Map.of("sync.max-wait", "0s"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sync.max-wait must be positive");
        assertThatThrownBy(() -> FrameSyncConfig.from(Settings.of(Map.of("sync.clock-reset", "60ms"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sync.clock-reset must be longer");
        assertThatThrownBy(() -> FrameSyncConfig.from(Settings.of(Map.of("sync.tolerance", "soon"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sync.tolerance");
    }

    @Test
    void streamsPropertiesAreExactlyOnceWithPassthroughClientSettings() {
        Settings settings = Settings.of(Map.of(
                "sync.application-id",
                "sync-eu",
                "kafka.security.protocol",
                "SSL",
                "kafka.num.stream.threads",
                "4",
                "kafka.processing.guarantee",
                "at_least_once"));

        Properties props = FrameSyncConfig.streamsProperties(settings, "broker:9092");

        assertThat(props)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "sync-eu")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")
                .containsEntry("security.protocol", "SSL")
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "4");
    }
}
