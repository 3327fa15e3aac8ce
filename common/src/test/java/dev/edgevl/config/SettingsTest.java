package dev.edgevl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    enum Color {
        DARK_RED,
        BLUE
    }

    static final ConfigOption<Integer> PARTITIONS = ConfigOption.integer("topics.partitions", 6, "partitions");
    static final ConfigOption<String> USER_INFO =
            ConfigOption.string("registry.basic-auth.user-info", null, "user:password");
    static final ConfigOption<Duration> FLUSH =
            ConfigOption.duration("batch.flush-interval", Duration.ofMillis(20), "flush");
    static final ConfigOption<Color> COLOR = ConfigOption.enumeration("paint.color", Color.class, Color.BLUE, "color");

    @Test
    void defaultsApplyWhenNothingIsSet() {
        Settings settings = Settings.empty();
        assertThat(settings.get(PARTITIONS)).isEqualTo(6);
        assertThat(settings.get(FLUSH)).isEqualTo(Duration.ofMillis(20));
        assertThat(settings.get(USER_INFO)).isNull();
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edgevl.properties");
        Files.writeString(file, "topics.partitions=3\nbatch.flush-interval=50ms\npaint.color=dark-red\n");
        Settings fileOnly = Settings.load(Optional.of(file), Map.of(), Map.of());
        assertThat(fileOnly.get(PARTITIONS)).isEqualTo(3);
        assertThat(fileOnly.get(COLOR)).isEqualTo(Color.DARK_RED);

        Settings withEnv =
                Settings.load(Optional.of(file), Map.of("EDGEVL_TOPICS_PARTITIONS", "9", "PATH", "/bin"), Map.of());
        assertThat(withEnv.get(PARTITIONS)).isEqualTo(9);
        assertThat(withEnv.get(FLUSH)).isEqualTo(Duration.ofMillis(50));

        Settings withFlag = Settings.load(
                Optional.of(file), Map.of("EDGEVL_TOPICS_PARTITIONS", "9"), Map.of("topics.partitions", "12"));
        assertThat(withFlag.get(PARTITIONS)).isEqualTo(12);
    }

    @Test
    void environmentNamesFindDashedKeys() {
        assertThat(USER_INFO.envName()).isEqualTo("EDGEVL_REGISTRY_BASIC_AUTH_USER_INFO");
        Settings settings =
                Settings.load(Optional.empty(), Map.of("EDGEVL_REGISTRY_BASIC_AUTH_USER_INFO", "u:p"), Map.of());
        assertThat(settings.get(USER_INFO)).isEqualTo("u:p");
        assertThat(settings.raw("registry.basic-auth.user-info")).contains("u:p");
    }

    @Test
    void aBadValueNamesTheSettingItsSourceAndWhatIsExpected() {
        Settings settings = Settings.load(Optional.empty(), Map.of("EDGEVL_TOPICS_PARTITIONS", "many"), Map.of());
        assertThatThrownBy(() -> settings.get(PARTITIONS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topics.partitions")
                .hasMessageContaining("many")
                .hasMessageContaining("environment")
                .hasMessageContaining("a whole number");
        assertThatThrownBy(() -> Settings.of(Map.of("paint.color", "green")).get(COLOR))
                .hasMessageContaining("one of dark-red, blue");
    }

    @Test
    void aMissingRequiredSettingSaysHowToSetIt() {
        assertThatThrownBy(() -> Settings.empty().require(USER_INFO, "to log in"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.basic-auth.user-info is required to log in")
                .hasMessageContaining("EDGEVL_REGISTRY_BASIC_AUTH_USER_INFO");
    }

    @Test
    void durationsReadHumanAndIsoSpellings() {
        assertThat(ConfigOption.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigOption.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigOption.parseDuration("1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ConfigOption.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigOption.parseDuration("PT5M")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigOption.parseDuration("10")).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> ConfigOption.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void prefixedKeysPassThroughFromEveryLayer() {
        Settings settings = Settings.load(
                Optional.empty(),
                Map.of("EDGEVL_KAFKA_SECURITY_PROTOCOL", "SSL"),
                Map.of("kafka.bootstrap.servers", "b:9092", "other", "x"));
        assertThat(settings.withPrefix("kafka."))
                .containsExactlyInAnyOrderEntriesOf(Map.of("security.protocol", "SSL", "bootstrap.servers", "b:9092"));
    }

    @Test
    void describeMasksSecrets() {
        Settings settings = Settings.of(Map.of(
                "registry.basic-auth.user-info",
                "u:p",
                "kafka.ssl.truststore.password",
                "pw",
                "serde.format",
                "confluent"));
        assertThat(settings.describe())
                .containsEntry("serde.format", "confluent")
                .containsEntry("registry.basic-auth.user-info", "******")
                .containsEntry("kafka.ssl.truststore.password", "******");
        Settings fromEnvironment = Settings.load(
                Optional.empty(),
                Map.of("EDGEVL_REGISTRY_BASIC_AUTH_USER_INFO", "u:p", "EDGEVL_REGISTRY_SSL_KEY_PASSWORD", "pw"),
                Map.of());
        assertThat(fromEnvironment.describe().values()).containsOnly("******");
    }
}
