package dev.edgevl.schemas.registry;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a Confluent-compatible schema registry. Optional settings are null when unset.
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

    public static final String URL = "registry.url";
    public static final String BASIC_AUTH_USER_INFO = "registry.basic-auth.user-info";
    public static final String BEARER_TOKEN = "registry.bearer-token";
    public static final String TRUSTSTORE_LOCATION = "registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "registry.ssl.truststore.type";
    public static final String KEYSTORE_LOCATION = "registry.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "registry.ssl.keystore.password";
    public static final String KEYSTORE_TYPE = "registry.ssl.keystore.type";
    public static final String KEY_PASSWORD = "registry.ssl.key.password";
    public static final String CONNECT_TIMEOUT_MS = "registry.connect-timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "registry.request-timeout.ms";
    public static final String RETRIES = "registry.retries";
    public static final String RETRY_BACKOFF_MS = "registry.retry-backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "registry.retry-backoff-max.ms";
    public static final String CACHE_CAPACITY = "registry.cache-capacity";

    /** Every setting key this config reads. */
    public static final List<String> KEYS = List.of(URL, BASIC_AUTH_USER_INFO, BEARER_TOKEN, TRUSTSTORE_LOCATION,
            TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE, KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEYSTORE_TYPE, KEY_PASSWORD, CONNECT_TIMEOUT_MS,
            REQUEST_TIMEOUT_MS, RETRIES, RETRY_BACKOFF_MS, RETRY_BACKOFF_MAX_MS, CACHE_CAPACITY);

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(5);
    public static final int DEFAULT_CACHE_CAPACITY = 1000;

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
     * Reads the {@code registry.*} keys (see the constants). Blank values count as unset, so a
     * properties file may list a key without a value; keys this class does not know are ignored
     * because the same map usually carries other components' settings.
     */
    public static RegistryConfig fromProperties(Map<String, String> properties) {
        PropertyReader in = new PropertyReader(properties);
        String urls = in.string(URL);
        if (urls == null) {
            throw new IllegalArgumentException(URL + " is not set; give one or more schema registry base URLs,"
                    + " comma separated, e.g. http://localhost:8081");
        }
        Builder builder = builder()
                .urls(Arrays.stream(urls.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .map(s -> in.uri(URL, s)).toList())
                .basicAuth(in.secret(BASIC_AUTH_USER_INFO))
                .bearerToken(in.secret(BEARER_TOKEN))
                .truststore(in.path(TRUSTSTORE_LOCATION), in.secret(TRUSTSTORE_PASSWORD), in.string(TRUSTSTORE_TYPE))
                .keystore(in.path(KEYSTORE_LOCATION), in.secret(KEYSTORE_PASSWORD), in.string(KEYSTORE_TYPE))
                .keyPassword(in.secret(KEY_PASSWORD));
        in.millis(CONNECT_TIMEOUT_MS).ifPresent(builder::connectTimeout);
        in.millis(REQUEST_TIMEOUT_MS).ifPresent(builder::requestTimeout);
        in.integer(RETRIES).ifPresent(builder::maxRetries);
        in.millis(RETRY_BACKOFF_MS).ifPresent(builder::retryBackoff);
        in.millis(RETRY_BACKOFF_MAX_MS).ifPresent(builder::maxRetryBackoff);
        in.integer(CACHE_CAPACITY).ifPresent(builder::cacheCapacity);
        return builder.build();
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
            throw new IllegalArgumentException("Put schema registry credentials in " + BASIC_AUTH_USER_INFO
                    + ", not in the URL.");
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

    private static void requirePositive(Duration value, String key) {
        Objects.requireNonNull(value, key);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(key + " must be positive, was " + value.toMillis() + " ms.");
        }
    }

    /** Secrets are kept as given: a space at either end may be part of a password. */
    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * Trust and key material for https. Store types are anything {@link java.security.KeyStore}
     * knows (PKCS12, JKS), and for the truststore also PEM (X.509 certificates, e.g. a CA's {@code ca.crt});
     * a null key password means the keystore password.
     */
    public record Tls(
            Path truststoreLocation, String truststorePassword, String truststoreType,
            Path keystoreLocation, String keystorePassword, String keystoreType, String keyPassword) {

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
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;
        private int cacheCapacity = DEFAULT_CACHE_CAPACITY;

        private Builder() {
        }

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
            Tls tls = new Tls(truststoreLocation, blankToNull(truststorePassword), truststoreType,
                    keystoreLocation, blankToNull(keystorePassword), keystoreType, blankToNull(keyPassword));
            return new RegistryConfig(urls, basicAuthUserInfo, bearerToken, tls, connectTimeout, requestTimeout,
                    maxRetries, retryBackoff, maxRetryBackoff, cacheCapacity);
        }
    }
}
