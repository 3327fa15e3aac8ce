package dev.edgevl.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one REST call with retries and fail-over. A round tries every URL once, starting with the
 * one that answered last; transient failures move on to the next URL at once and back off only
 * between rounds, so a dead first URL costs one refused connection rather than a backoff ladder.
 */
final class RegistryTransport {

    // Operators tune logging for the public class, not for its helpers.
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);

    static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            MEDIA_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final String USER_AGENT = "edgevl-schema-registry-client";
    private static final int MAX_BODY_IN_MESSAGE = 500;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryConfig config;
    private final HttpClient http;
    private final String authorization;
    private final AtomicInteger preferred = new AtomicInteger();

    RegistryTransport(RegistryConfig config) {
        this.config = config;
        this.authorization = authorization(config);
        HttpClient.Builder builder = HttpClient.newBuilder()
                // h2c upgrade attempts confuse some registries and proxies; the API gains nothing from HTTP/2.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.tls().configured()) {
            builder.sslContext(SslContexts.create(config.tls()));
        }
        this.http = builder.build();
    }

    private static String authorization(RegistryConfig config) {
        if (config.basicAuthUserInfo() != null) {
            return "Basic "
                    + Base64.getEncoder()
                            .encodeToString(config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8));
        }
        return config.bearerToken() == null ? null : "Bearer " + config.bearerToken();
    }

    /**
     * Calls {@code path} (already URL-encoded, starting with '/') and returns the 2xx reply; throws
     * {@link SchemaRegistryException} for any other outcome once the retries are spent.
     */
    RegistryReply call(String method, String path, JsonNode body) {
        List<URI> bases = config.urls();
        int first = preferred.get();
        int rounds = config.maxRetries() + 1;
        int attempts = 0;
        Failure failure = null;
        for (int round = 0; round < rounds; round++) {
            if (round > 0) {
                pause(backoff(round, failure), method, failure.url());
            }
            for (int i = 0; i < bases.size(); i++) {
                int index = (first + i) % bases.size();
                URI url = URI.create(bases.get(index) + path);
                attempts++;
                Outcome outcome = attempt(method, url, body);
                if (outcome instanceof RegistryReply reply) {
                    preferred.set(index);
                    return reply;
                }
                failure = (Failure) outcome;
                if (!failure.transientError()) {
                    throw failure.toException(method, attempts);
                }
                boolean lastOfRound = i == bases.size() - 1;
                if (!lastOfRound) {
                    LOG.warn(
                            "Schema registry {} {} failed ({}); trying {} next.",
                            method,
                            url,
                            failure.describe(),
                            bases.get((index + 1) % bases.size()));
                } else if (round + 1 < rounds) {
                    LOG.warn(
                            "Schema registry {} {} failed ({}); retrying in {} ms (round {} of {}).",
                            method,
                            url,
                            failure.describe(),
                            backoff(round + 1, failure).toMillis(),
                            round + 2,
                            rounds);
                }
            }
        }
        throw failure.toException(method, attempts);
    }

    private Outcome attempt(String method, URI url, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(config.requestTimeout())
                .header("Accept", ACCEPT)
                .header("User-Agent", USER_AGENT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", MEDIA_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Failure.io(url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SchemaRegistryException.interrupted(method, url, e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new RegistryReply(method, url, status, parse(method, url, status, response.body()));
        }
        return Failure.http(
                url,
                status,
                response.body(),
                response.headers().firstValue("Retry-After").orElse(null));
    }

    private static JsonNode parse(String method, URI url, int status, String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw SchemaRegistryException.unexpected(
                    method, url, status, "the body is not JSON: " + abbreviate(body), e);
        }
    }

    private Duration backoff(int round, Failure failure) {
        long doubling = config.retryBackoff().toMillis() << Math.min(round - 1, 20);
        long millis = Math.max(doubling, failure.retryAfter().toMillis());
        return Duration.ofMillis(Math.min(millis, config.maxRetryBackoff().toMillis()));
    }

    private static void pause(Duration delay, String method, URI url) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SchemaRegistryException.interrupted(method, url, e);
        }
    }

    static String abbreviate(String text) {
        String flat = text.strip().replaceAll("\\s+", " ");
        return flat.length() <= MAX_BODY_IN_MESSAGE ? flat : flat.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }

    /** Java 17's HttpClient cannot be closed; from Java 21 on it can, and then its threads go at once. */
    void close() {
        if (http instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("Closing the schema registry HTTP client failed.", e);
            }
        }
    }

    /** What one attempt produced: a reply, or a failure that may be worth retrying. */
    sealed interface Outcome permits RegistryReply, Failure {}

    /** An attempt that did not produce a 2xx reply. */
    record Failure(URI url, int status, int errorCode, String message, Duration retryAfter, IOException cause)
            implements Outcome {

        static Failure io(URI url, IOException cause) {
            return new Failure(
                    url,
                    SchemaRegistryException.NO_STATUS,
                    SchemaRegistryException.NO_ERROR_CODE,
                    null,
                    Duration.ZERO,
                    cause);
        }

        static Failure http(URI url, int status, String body, String retryAfter) {
            int errorCode = SchemaRegistryException.NO_ERROR_CODE;
            String message = body == null || body.isBlank() ? null : abbreviate(body);
            try {
                JsonNode json = body == null || body.isBlank() ? MissingNode.getInstance() : JSON.readTree(body);
                if (json.path("error_code").canConvertToInt()) {
                    errorCode = json.path("error_code").intValue();
                }
                if (json.path("message").isTextual()) {
                    message = json.path("message").textValue();
                }
            } catch (JsonProcessingException e) {
                // Proxies and some registries answer errors in plain text; the text itself is the message.
            }
            return new Failure(url, status, errorCode, message, retryAfter(retryAfter), null);
        }

        private static Duration retryAfter(String header) {
            if (header == null) {
                return Duration.ZERO;
            }
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(header.strip())));
            } catch (NumberFormatException e) {
                // The HTTP-date form is rare for this API; the usual backoff is close enough.
                return Duration.ZERO;
            }
        }

        boolean transientError() {
            return cause != null || status >= 500 || status == 408 || status == 429;
        }

        String describe() {
            if (cause != null) {
                return SchemaRegistryException.describe(cause);
            }
            return "HTTP " + status + (message == null ? "" : ": " + message);
        }

        SchemaRegistryException toException(String method, int attempts) {
            return cause != null
                    ? SchemaRegistryException.unreachable(method, url, attempts, cause)
                    : SchemaRegistryException.rejected(method, url, status, errorCode, message);
        }
    }
}
