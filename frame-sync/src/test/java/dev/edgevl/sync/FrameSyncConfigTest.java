package dev.edgevl.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.Modality;
import dev.edgevl.config.ConfigException;
import dev.edgevl.config.Settings;
import dev.edgevl.sync.FrameSyncConfig.ToleranceSetting;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class FrameSyncConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        FrameSyncConfig config = FrameSyncConfig.defaults();

        assertThat(config.applicationId()).isEqualTo("edgevl-frame-sync");
        assertThat(config.tolerance()).isEqualTo(ToleranceSetting.AUTO);
        assertThat(config.maxTolerance()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.depthTolerance()).isNull();
        assertThat(config.thermalTolerance()).isNull();
        assertThat(config.grace()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.maxWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.store()).isEqualTo(FrameSyncConfig.StoreKind.IN_MEMORY);
        assertThat(config.rules()).isEqualTo(new FrameMatcher.Rules(50_000, 2_000));
        assertThat(config.toleranceRule()).isEqualTo(ToleranceRule.auto(100_000));
        assertThat(config.toleranceDescription()).isEqualTo("half the slower sensor's frame period, at most 100 ms");
        assertThat(FrameSyncConfig.OPTIONS)
                .allSatisfy(option -> assertThat(option.key()).startsWith("sync."))
                .allSatisfy(option -> assertThat(option.description()).isNotBlank());
    }

    @Test
    void settingsOverrideDefaultsInAnyOfTheUsualSpellings() {
        Settings settings = Settings.of(Map.of(
                "sync.tolerance", "12.5ms", "SYNC_GRACE", "0", "sync.max-wait", "PT0.5S", "sync.store", "RocksDB"));

        FrameSyncConfig config = FrameSyncConfig.from(settings);

        assertThat(config.rules()).isEqualTo(new FrameMatcher.Rules(0, 500));
        assertThat(config.toleranceRule()) // durations are kept to the millisecond
                .isEqualTo(new ToleranceRule(OptionalLong.of(13_000), Map.of(), 100_000));
        assertThat(config.store()).isEqualTo(FrameSyncConfig.StoreKind.ROCKSDB);
    }

    @Test
    void theToleranceIsAutoUnlessSetAndPerModalityOverridesWin() {
        FrameSyncConfig auto = FrameSyncConfig.from(Settings.of(
                Map.of("sync.tolerance", "Auto", "sync.tolerance.max", "80ms", "SYNC_TOLERANCE_THERMAL", "45ms")));
        FrameSyncConfig fixed =
                FrameSyncConfig.from(Settings.of(Map.of("sync.tolerance", "30ms", "sync.tolerance.depth", "10ms")));

        assertThat(auto.tolerance().isAuto()).isTrue();
        assertThat(auto.toleranceRule())
                .isEqualTo(new ToleranceRule(OptionalLong.empty(), Map.of(Modality.THERMAL, 45_000L), 80_000));
        assertThat(auto.toleranceDescription())
                .isEqualTo("half the slower sensor's frame period, at most 80 ms; THERMAL 45 ms");
        assertThat(fixed.tolerance()).isEqualTo(ToleranceSetting.fixed(Duration.ofMillis(30)));
        assertThat(fixed.tolerance()).hasToString("30ms");
        assertThat(fixed.toleranceRule())
                .isEqualTo(new ToleranceRule(OptionalLong.of(30_000), Map.of(Modality.DEPTH, 10_000L), 100_000));
        assertThat(fixed.toleranceDescription()).isEqualTo("30 ms; DEPTH 10 ms");
        assertThat(ToleranceSetting.AUTO).hasToString("auto");
        assertThat(ToleranceSetting.parse(" AUTO ")).isEqualTo(ToleranceSetting.AUTO);
    }

    @Test
    void theClockResetMustExceedTheWidestTolerancePlusTheGrace() {
        // Defaults: max 100 ms + grace 50 ms.
        assertThatThrownBy(() -> FrameSyncConfig.from(Settings.of(Map.of("sync.clock-reset", "150ms"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sync.clock-reset must be longer than the widest tolerance");
        assertThat(FrameSyncConfig.from(Settings.of(Map.of("sync.clock-reset", "151ms")))
                        .clockReset())
                .isEqualTo(Duration.ofMillis(151));
        // A fixed tolerance takes the max's place; a wider override counts too.
        assertThat(FrameSyncConfig.from(Settings.of(Map.of("sync.clock-reset", "80ms", "sync.tolerance", "20ms")))
                        .clockReset())
                .isEqualTo(Duration.ofMillis(80));
        assertThatThrownBy(() -> FrameSyncConfig.from(Settings.of(Map.of(
                        "sync.clock-reset", "80ms", "sync.tolerance", "20ms", "sync.tolerance.thermal", "40ms"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sync.clock-reset must be longer");
        assertThatThrownBy(() -> FrameSyncConfig.from(Settings.of(Map.of("sync.tolerance.depth", "PT-0.01S"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sync.tolerance.depth must not be negative");
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
                .hasMessageContaining("sync.tolerance")
                .hasMessageContaining("auto, or a duration");
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
