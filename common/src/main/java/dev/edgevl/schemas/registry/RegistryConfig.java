package dev.edgevl.schemas.registry;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * How to reach a Confluent-compatible schema registry, read from the {@code registry.*} settings ({@link #OPTIONS}). Optional
 * settings are null when unset.
 *
 * @param urls              base URLs tried in order; later ones are fail-overs
 * @param basicAuthUserInfo {@code user:password} for HTTP basic auth
 * @param bearerToken       token sent as {@code Authorization: Bearer}
 * @param tls               trust and key material for https; {@link Tls#NONE} uses the JVM's defaults
 * @param connectTimeout    TCP connect timeout per attempt
 * @param requestTimeout    whole-response timeout per attempt
 * @param maxRetries        further rounds over {@code urls} after the first one fails with a transient error
 * @param retryBackoff      pause before the first retry round; doubles each round
 * @param maxRetryBackoff   the longest pause between rounds
 * @param cacheCapacity     entries kept in each of the client's caches
 */
public record RegistryConfig(
        List<URI> urls,
        String basicAuthUserInfo,
        String bearerToken,
        Tls tls,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryBackoff,
        Duration maxRetryBackoff,
        int cacheCapacity) {

    public static final ConfigOption<String> URL = option(
            "registry.url",
            null,
            "one or more URLs such as http://localhost:8081",
            String::strip,
            "Schema registry base URL(s), comma separated, tried in order: later ones are fail-overs. Confluent API; for "
                    + "Apicurio end it in /apis/ccompat/v7. Needed with serde.format=confluent.");
    public static final ConfigOption<String> BASIC_AUTH_USER_INFO = secret(
            "registry.basic-auth.user-info",
            "user:password for HTTP basic auth; not together with registry.bearer-token.");
    public static final ConfigOption<String> BEARER_TOKEN =
            secret("registry.bearer-token", "A token sent as Authorization: Bearer, instead of basic auth.");
    public static final ConfigOption<Path> TRUSTSTORE_LOCATION = path(
            "registry.ssl.truststore.location",
            "Trust store for https (the CAs to trust); unset, the JVM's own. With registry.ssl.truststore.type=PEM, a file of CA "
                    + "certificates (e.g. a Kubernetes secret's ca.crt).");
    public static final ConfigOption<String> TRUSTSTORE_PASSWORD =
            secret("registry.ssl.truststore.password", "Password of the trust store (none for PEM).");
    public static final ConfigOption<String> TRUSTSTORE_TYPE = option(
            "registry.ssl.truststore.type",
            Tls.DEFAULT_STORE_TYPE,
            "a store type such as PKCS12, JKS or PEM",
            String::strip,
            "Type of the trust store: PKCS12, JKS, or PEM (X.509 CA certificates in a PEM file).");
    public static final ConfigOption<Path> KEYSTORE_LOCATION = path(
            "registry.ssl.keystore.location", "Key store with the client certificate and its key, for mutual TLS.");
    public static final ConfigOption<String> KEYSTORE_PASSWORD =
            secret("registry.ssl.keystore.password", "Password of the key store.");
    public static final ConfigOption<String> KEYSTORE_TYPE = option(
            "registry.ssl.keystore.type",
            Tls.DEFAULT_STORE_TYPE,
            "a store type such as PKCS12 or JKS",
            String::strip,
            "Type of the key store: PKCS12 or JKS.");
    public static final ConfigOption<String> KEY_PASSWORD = secret(
            "registry.ssl.key.password", "Password of the key in the key store; default: the key store's password.");
    public static final ConfigOption<Long> CONNECT_TIMEOUT_MS =
            millis("registry.connect-timeout.ms", 5_000, "TCP connect timeout of one attempt, in milliseconds.");
    public static final ConfigOption<Long> REQUEST_TIMEOUT_MS = millis(
            "registry.request-timeout.ms", 10_000, "Timeout of one request (the whole response), in milliseconds.");
    public static final ConfigOption<Integer> RETRIES = option(
            "registry.retries",
            3,
            "a whole number",
            s -> Integer.valueOf(s.strip()),
            "Further rounds over the URLs after a round fails with a transient error; 0 = no retry.");
    public static final ConfigOption<Long> RETRY_BACKOFF_MS = millis(
            "registry.retry-backoff.ms",
            200,
            "Pause before the first retry round, in milliseconds; it doubles each round up to registry.retry-backoff-max.ms.");
    public static final ConfigOption<Long> RETRY_BACKOFF_MAX_MS =
            millis("registry.retry-backoff-max.ms", 5_000, "Longest pause between retry rounds, in milliseconds.");
    public static final ConfigOption<Integer> CACHE_CAPACITY = option(
            "registry.cache-capacity",
            1000,
            "a whole number",
            s -> Integer.valueOf(s.strip()),
            "Entries kept in each of the client's caches (schema ids and schemas).");

    /** Every setting this config reads. */
    public static final List<ConfigOption<?>> OPTIONS = List.of(
            URL,
            BASIC_AUTH_USER_INFO,
            BEARER_TOKEN,
            TRUSTSTORE_LOCATION,
            TRUSTSTORE_PASSWORD,
            TRUSTSTORE_TYPE,
            KEYSTORE_LOCATION,
            KEYSTORE_PASSWORD,
            KEYSTORE_TYPE,
            KEY_PASSWORD,
            CONNECT_TIMEOUT_MS,
            REQUEST_TIMEOUT_MS,
            RETRIES,
            RETRY_BACKOFF_MS,
            RETRY_BACKOFF_MAX_MS,
            CACHE_CAPACITY);

    private static final String HIDDEN = "[hidden]";

    public RegistryConfig {
        urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("At least one schema registry URL is needed (" + URL + ").");
        }
        urls = urls.stream().map(RegistryConfig::checkedBaseUrl).toList();
        basicAuthUserInfo = blankToNull(basicAuthUserInfo);
        bearerToken = blankToNull(bearerToken);
        if (basicAuthUserInfo != null && !basicAuthUserInfo.contains(":")) {
            throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + " must look like user:password.");
        }
        if (basicAuthUserInfo != null && bearerToken != null) {
            throw new IllegalArgumentException("Set " + BASIC_AUTH_USER_INFO + " or " + BEARER_TOKEN + ", not both.");
        }
        tls = tls == null ? Tls.NONE : tls;
        requirePositive(connectTimeout, CONNECT_TIMEOUT_MS);
        requirePositive(requestTimeout, REQUEST_TIMEOUT_MS);
        requirePositive(retryBackoff, RETRY_BACKOFF_MS);
        requirePositive(maxRetryBackoff, RETRY_BACKOFF_MAX_MS);
        if (maxRetries < 0) {
            throw new IllegalArgumentException(RETRIES + " must be 0 or more, was " + maxRetries + ".");
        }
        if (cacheCapacity < 1) {
            throw new IllegalArgumentException(CACHE_CAPACITY + " must be at least 1, was " + cacheCapacity + ".");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the {@code registry.*} settings (see {@link #OPTIONS}), so {@code EDGEVL_REGISTRY_URL} and friends work too. Blank
     * values count as unset, so a properties file may list a key without a value.
     */
    public static RegistryConfig from(Settings settings) {
        String urls = settings.get(URL);
        if (urls == null) {
            throw new IllegalArgumentException(URL + " is not set; give one or more schema registry base URLs,"
                    + " comma separated, e.g. http://localhost:8081");
        }
        return builder()
                .urls(Arrays.stream(urls.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .map(RegistryConfig::uri)
                        .toList())
                .basicAuth(settings.get(BASIC_AUTH_USER_INFO))
                .bearerToken(settings.get(BEARER_TOKEN))
                .truststore(
                        settings.get(TRUSTSTORE_LOCATION),
                        settings.get(TRUSTSTORE_PASSWORD),
                        settings.get(TRUSTSTORE_TYPE))
                .keystore(settings.get(KEYSTORE_LOCATION), settings.get(KEYSTORE_PASSWORD), settings.get(KEYSTORE_TYPE))
                .keyPassword(settings.get(KEY_PASSWORD))
                .connectTimeout(Duration.ofMillis(settings.get(CONNECT_TIMEOUT_MS)))
                .requestTimeout(Duration.ofMillis(settings.get(REQUEST_TIMEOUT_MS)))
                .maxRetries(settings.get(RETRIES))
                .retryBackoff(Duration.ofMillis(settings.get(RETRY_BACKOFF_MS)))
                .maxRetryBackoff(Duration.ofMillis(settings.get(RETRY_BACKOFF_MAX_MS)))
                .cacheCapacity(settings.get(CACHE_CAPACITY))
                .build();
    }

    /** {@link #from(Settings)}, refusing a missing {@code registry.url} with a sentence that says {@code why} it is needed. */
    public static RegistryConfig from(Settings settings, String why) {
        settings.require(URL, why);
        return from(settings);
    }

    /** Secrets are replaced by a marker so the config can be logged at start-up. */
    @Override
    public String toString() {
        return "RegistryConfig[urls=" + urls
                + ", basicAuthUserInfo=" + (basicAuthUserInfo == null ? null : userOf(basicAuthUserInfo) + ":" + HIDDEN)
                + ", bearerToken=" + (bearerToken == null ? null : HIDDEN)
                + ", tls=" + tls
                + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout
                + ", maxRetries=" + maxRetries
                + ", retryBackoff=" + retryBackoff
                + ", maxRetryBackoff=" + maxRetryBackoff
                + ", cacheCapacity=" + cacheCapacity + "]";
    }

    private static String userOf(String userInfo) {
        return userInfo.substring(0, userInfo.indexOf(':'));
    }

    private static URI checkedBaseUrl(URI url) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || url.getHost() == null) {
            throw new IllegalArgumentException("Schema registry URL " + url + " must be an absolute http or https URL"
                    + " with a host (" + URL + ").");
        }
        // Credentials in the URL would end up in logs and exception messages.
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "Put schema registry credentials in " + BASIC_AUTH_USER_INFO + ", not in the URL.");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("Schema registry URL " + url + " must not have a query or fragment.");
        }
        String text = url.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    private static void requirePositive(Duration value, ConfigOption<Long> option) {
        Objects.requireNonNull(value, option.key());
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(option.key() + " must be positive, was " + value.toMillis() + " ms.");
        }
    }

    /** Secrets are kept as given: a space at either end may be part of a password. */
    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static URI uri(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    URL + " must be a URL such as http://localhost:8081, was '" + value + "'.");
        }
    }

    /** An option whose blank value counts as unset: a properties file may list the key without a value. */
    private static <T> ConfigOption<T> option(
            String key, T defaultValue, String expected, Function<String, T> parser, String description) {
        return ConfigOption.of(
                key, defaultValue, description, expected, s -> s.isBlank() ? defaultValue : parser.apply(s));
    }

    /** A secret, kept exactly as given (a space at either end may be part of a password); settings dumps mask it by its key. */
    private static ConfigOption<String> secret(String key, String description) {
        return option(key, null, "text", s -> s, description);
    }

    private static ConfigOption<Path> path(String key, String description) {
        return option(key, null, "a file path", s -> Path.of(s.strip()), description);
    }

    /** The keys end in {@code .ms} and take a plain number of milliseconds, not the duration spellings of other settings. */
    private static ConfigOption<Long> millis(String key, long defaultMillis, String description) {
        return option(key, defaultMillis, "a number of milliseconds", s -> Long.valueOf(s.strip()), description);
    }

    /**
     * Trust and key material for https. Store types are anything {@link java.security.KeyStore}
     * knows (PKCS12, JKS), and for the truststore also PEM (X.509 certificates, e.g. a CA's {@code ca.crt});
     * a null key password means the keystore password.
     */
    public record Tls(
            Path truststoreLocation,
            String truststorePassword,
            String truststoreType,
            Path keystoreLocation,
            String keystorePassword,
            String keystoreType,
            String keyPassword) {

        public static final String DEFAULT_STORE_TYPE = "PKCS12";
        public static final Tls NONE = new Tls(null, null, null, null, null, null, null);

        public Tls {
            truststoreType = truststoreType == null || truststoreType.isBlank() ? DEFAULT_STORE_TYPE : truststoreType;
            keystoreType = keystoreType == null || keystoreType.isBlank() ? DEFAULT_STORE_TYPE : keystoreType;
        }

        /** Whether anything differs from the JVM's default SSL context. */
        public boolean configured() {
            return truststoreLocation != null || keystoreLocation != null;
        }

        @Override
        public String toString() {
            return "Tls[truststoreLocation=" + truststoreLocation
                    + ", truststorePassword=" + (truststorePassword == null ? null : HIDDEN)
                    + ", truststoreType=" + truststoreType
                    + ", keystoreLocation=" + keystoreLocation
                    + ", keystorePassword=" + (keystorePassword == null ? null : HIDDEN)
                    + ", keystoreType=" + keystoreType
                    + ", keyPassword=" + (keyPassword == null ? null : HIDDEN) + "]";
        }
    }

    /** Collects settings; everything but the URLs has a default. */
    public static final class Builder {
        private final List<URI> urls = new ArrayList<>();
        private String basicAuthUserInfo;
        private String bearerToken;
        private Path truststoreLocation;
        private String truststorePassword;
        private String truststoreType;
        private Path keystoreLocation;
        private String keystorePassword;
        private String keystoreType;
        private String keyPassword;
        private Duration connectTimeout = Duration.ofMillis(CONNECT_TIMEOUT_MS.defaultValue());
        private Duration requestTimeout = Duration.ofMillis(REQUEST_TIMEOUT_MS.defaultValue());
        private int maxRetries = RETRIES.defaultValue();
        private Duration retryBackoff = Duration.ofMillis(RETRY_BACKOFF_MS.defaultValue());
        private Duration maxRetryBackoff = Duration.ofMillis(RETRY_BACKOFF_MAX_MS.defaultValue());
        private int cacheCapacity = CACHE_CAPACITY.defaultValue();

        private Builder() {}

        /** Adds a base URL after the ones already given. */
        public Builder url(String url) {
            urls.add(URI.create(url.strip()));
            return this;
        }

        /** Adds base URLs after the ones already given. */
        public Builder urls(List<URI> more) {
            urls.addAll(more);
            return this;
        }

        public Builder basicAuth(String userInfo) {
            this.basicAuthUserInfo = userInfo;
            return this;
        }

        public Builder bearerToken(String token) {
            this.bearerToken = token;
            return this;
        }

        public Builder truststore(Path location, String password, String type) {
            this.truststoreLocation = location;
            this.truststorePassword = password;
            this.truststoreType = type;
            return this;
        }

        public Builder keystore(Path location, String password, String type) {
            this.keystoreLocation = location;
            this.keystorePassword = password;
            this.keystoreType = type;
            return this;
        }

        public Builder keyPassword(String password) {
            this.keyPassword = password;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder maxRetries(int retries) {
            this.maxRetries = retries;
            return this;
        }

        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = backoff;
            return this;
        }

        public Builder maxRetryBackoff(Duration backoff) {
            this.maxRetryBackoff = backoff;
            return this;
        }

        public Builder cacheCapacity(int capacity) {
            this.cacheCapacity = capacity;
            return this;
        }

        public RegistryConfig build() {
            Tls tls = new Tls(
                    truststoreLocation,
                    blankToNull(truststorePassword),
                    truststoreType,
                    keystoreLocation,
                    blankToNull(keystorePassword),
                    keystoreType,
                    blankToNull(keyPassword));
            return new RegistryConfig(
                    urls,
                    basicAuthUserInfo,
                    bearerToken,
                    tls,
                    connectTimeout,
                    requestTimeout,
                    maxRetries,
                    retryBackoff,
                    maxRetryBackoff,
                    cacheCapacity);
        }
    }
}
