package dev.edgevl.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.config.ConfigException;
import dev.edgevl.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

    private static RegistryConfig from(Map<String, String> properties) {
        return RegistryConfig.from(Settings.of(properties));
    }

    @Test
    void readsEveryKey() {
        Map<String, String> properties = new HashMap<>();
        properties.put("registry.url", " https://sr-1.example:8081/ , https://sr-2.example:8081/apis/ccompat/v7");
        properties.put("registry.basic-auth.user-info", "fleet:pa ss");
        properties.put("registry.ssl.truststore.location", "certs/trust.jks");
        properties.put("registry.ssl.truststore.password", "trust-pw");
        properties.put("registry.ssl.truststore.type", "JKS");
        properties.put("registry.ssl.keystore.location", "certs/client.p12");
        properties.put("registry.ssl.keystore.password", "store-pw");
        properties.put("registry.ssl.keystore.type", "PKCS12");
        properties.put("registry.ssl.key.password", "key-pw");
        properties.put("registry.connect-timeout.ms", "1500");
        properties.put("registry.request-timeout.ms", "2500");
        properties.put("registry.retries", "0");
        properties.put("registry.retry-backoff.ms", "50");
        properties.put("registry.retry-backoff-max.ms", "800");
        properties.put("registry.cache-capacity", "10");
        properties.put("bootstrap.servers", "ignored:9092");

        RegistryConfig config = from(properties);

        assertThat(config.urls())
                .containsExactly(
                        URI.create("https://sr-1.example:8081"),
                        URI.create("https://sr-2.example:8081/apis/ccompat/v7"));
        assertThat(config.basicAuthUserInfo()).isEqualTo("fleet:pa ss");
        assertThat(config.bearerToken()).isNull();
        assertThat(config.tls())
                .isEqualTo(new RegistryConfig.Tls(
                        Path.of("certs/trust.jks"),
                        "trust-pw",
                        "JKS",
                        Path.of("certs/client.p12"),
                        "store-pw",
                        "PKCS12",
                        "key-pw"));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.maxRetries()).isZero();
        assertThat(config.retryBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.maxRetryBackoff()).isEqualTo(Duration.ofMillis(800));
        assertThat(config.cacheCapacity()).isEqualTo(10);
    }

    @Test
    void fillsInDefaultsAndTreatsBlankValuesAsUnset() {
        RegistryConfig config = from(Map.of(
                "registry.url", "http://localhost:8081",
                "registry.bearer-token", "",
                "registry.retries", " "));

        assertThat(config.bearerToken()).isNull();
        assertThat(config.basicAuthUserInfo()).isNull();
        assertThat(config.tls()).isEqualTo(RegistryConfig.Tls.NONE);
        assertThat(config.tls().configured()).isFalse();
        assertThat(config.tls().truststoreType()).isEqualTo("PKCS12");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxRetries()).isEqualTo(3);
        assertThat(config.retryBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.maxRetryBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.cacheCapacity()).isEqualTo(1000);
    }

    @Test
    void toStringHidesEverySecret() {
        RegistryConfig withBasic = from(Map.of(
                "registry.url", "https://sr.example",
                "registry.basic-auth.user-info", "fleet:basic-secret",
                "registry.ssl.truststore.location", "trust.p12",
                "registry.ssl.truststore.password", "truststore-secret",
                "registry.ssl.keystore.location", "client.p12",
                "registry.ssl.keystore.password", "keystore-secret",
                "registry.ssl.key.password", "key-secret"));
        RegistryConfig withBearer = RegistryConfig.builder()
                .url("https://sr.example")
                .bearerToken("bearer-secret")
                .build();

        assertThat(withBasic.toString())
                .contains("https://sr.example", "fleet", "trust.p12", "client.p12", "[hidden]")
                .doesNotContain("basic-secret", "truststore-secret", "keystore-secret", "key-secret");
        assertThat(withBearer.toString()).contains("bearerToken=[hidden]").doesNotContain("bearer-secret");
    }

    @Test
    void namesTheKeyWhenAValueIsWrong() {
        assertThatThrownBy(() ->
                        from(Map.of("registry.url", "http://localhost:8081", "registry.request-timeout.ms", "10s")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Setting registry.request-timeout.ms = '10s' (from settings) is not valid: expected a number of milliseconds.");
        assertThatThrownBy(() -> from(Map.of("registry.url", "http://localhost:8081", "registry.retries", "-1")))
                .hasMessageContaining("registry.retries must be 0 or more");
        assertThatThrownBy(() -> from(Map.of("registry.url", "http://localhost:8081", "registry.cache-capacity", "0")))
                .hasMessageContaining("registry.cache-capacity must be at least 1");
    }

    @Test
    void refusesAMissingOrUnusableUrl() {
        assertThatThrownBy(() -> from(Map.of())).hasMessageContaining("registry.url is not set");
        assertThatThrownBy(() -> from(Map.of("registry.url", "localhost:8081")))
                .hasMessageContaining("must be an absolute http or https URL");
        assertThatThrownBy(() -> from(Map.of("registry.url", "http://a b")))
                .hasMessageContaining("registry.url must be a URL");
        assertThatThrownBy(() -> from(Map.of("registry.url", " , ")))
                .hasMessageContaining("At least one schema registry URL");
    }

    @Test
    void keepsCredentialsOutOfTheUrl() {
        assertThatThrownBy(() -> RegistryConfig.builder()
                        .url("http://fleet:secret@sr.example")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registry.basic-auth.user-info")
                .hasMessageNotContaining("secret@");
    }

    @Test
    void refusesTwoKindsOfCredentialsOrAUserInfoWithoutPassword() {
        assertThatThrownBy(() -> RegistryConfig.builder()
                        .url("http://sr")
                        .basicAuth("a:b")
                        .bearerToken("t")
                        .build())
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> RegistryConfig.builder()
                        .url("http://sr")
                        .basicAuth("just-a-user")
                        .build())
                .hasMessageContaining("user:password")
                .hasMessageNotContaining("just-a-user");
    }

    @Test
    void readsTheEnvironmentAndCommandLineLikeEverySetting() {
        Settings settings = Settings.load(
                Optional.empty(),
                Map.of(
                        "EDGEVL_REGISTRY_URL", "https://sr.example:8443",
                        "EDGEVL_REGISTRY_CONNECT_TIMEOUT_MS", "1500",
                        "EDGEVL_REGISTRY_BASIC_AUTH_USER_INFO", "fleet:from-env",
                        "EDGEVL_REGISTRY_SSL_TRUSTSTORE_TYPE", "PEM",
                        "EDGEVL_REGISTRY_RETRIES", "7"),
                Map.of("registry.retries", "1"));

        RegistryConfig config = RegistryConfig.from(settings);

        assertThat(config.urls()).containsExactly(URI.create("https://sr.example:8443"));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.basicAuthUserInfo()).isEqualTo("fleet:from-env");
        assertThat(config.tls().truststoreType()).isEqualTo("PEM");
        assertThat(config.maxRetries()).as("--set beats the environment").isEqualTo(1);
        assertThat(config.requestTimeout())
                .isEqualTo(Duration.ofMillis(RegistryConfig.REQUEST_TIMEOUT_MS.defaultValue()));
        assertThat(settings.describe()).containsEntry("registry.basic.auth.user.info", "******");
    }

    @Test
    void aMissingUrlSaysWhyItIsNeededAndHowToSetIt() {
        assertThatThrownBy(() -> RegistryConfig.from(Settings.empty(), "when serde.format=confluent"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.url is required when serde.format=confluent")
                .hasMessageContaining("EDGEVL_REGISTRY_URL");
    }

    @Test
    void everyOptionIsARegistrySettingWithADescription() {
        assertThat(RegistryConfig.OPTIONS).hasSize(16).doesNotHaveDuplicates().allSatisfy(option -> {
            assertThat(option.key()).startsWith("registry.");
            assertThat(option.description()).isNotBlank();
        });
    }

    @Test
    void copiesTheUrlList() {
        List<URI> urls = new java.util.ArrayList<>(List.of(URI.create("http://sr")));
        RegistryConfig config = RegistryConfig.builder().urls(urls).build();
        urls.add(URI.create("http://other"));

        assertThat(config.urls()).containsExactly(URI.create("http://sr"));
    }
}
