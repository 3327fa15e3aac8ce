package dev.edgevl.model.bundle;

import dev.edgevl.model.bundle.BundleException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * Fetches a bundle named by a {@code models} record's {@code bundleUri}: {@code file:} (a shared volume, or a
 * {@link DirectoryModelStore}) and {@code http(s):} (a plain or pre-signed object-store URL). Reads at most the size
 * limit plus one byte, so a wrong URI cannot exhaust memory. Failures are {@link BundleException}s.
 */
public final class UriFetcher implements Function<String, byte[]> {
    private final long maxBytes;
    private final Duration timeout;
    private volatile HttpClient http;

    public UriFetcher(long maxBytes, Duration timeout) {
        if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes must be positive and fit in memory, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    public static UriFetcher withLimits(BundleLimits limits) {
        return new UriFetcher(limits.maxBundleBytes(), Duration.ofSeconds(60));
    }

    @Override
    public byte[] apply(String uriText) {
        URI uri;
        try {
            uri = URI.create(uriText);
        } catch (IllegalArgumentException e) {
            throw unavailable(uriText, "it is not a valid URI", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> fromFile(uriText, uri);
            case "http", "https" -> fromHttp(uriText, uri);
            default ->
                throw unavailable(
                        uriText, "scheme '" + scheme + "' is not supported here (file, http and https are)", null);
        };
    }

    private byte[] fromFile(String uriText, URI uri) {
        Path file;
        try {
            file = Path.of(uri);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw unavailable(uriText, "it does not name a local file", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return readAtMost(uriText, in);
        } catch (NoSuchFileException e) {
            throw unavailable(uriText, "no such file", e);
        } catch (IOException e) {
            throw unavailable(uriText, e.toString(), e);
        }
    }

    private byte[] fromHttp(String uriText, URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<InputStream> response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw unavailable(uriText, "the server answered HTTP " + response.statusCode(), null);
                }
                return readAtMost(uriText, body);
            }
        } catch (IOException e) {
            throw unavailable(uriText, e.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(uriText, "interrupted", e);
        }
    }

    private byte[] readAtMost(String uriText, InputStream in) throws IOException {
        byte[] bytes = BundleZip.readAtMost(in, maxBytes);
        if (bytes == null) {
            throw new BundleException(
                    Reason.TOO_LARGE,
                    "The model bundle at " + uriText + " is over the limit of " + maxBytes
                            + " bytes; it is not a bundle of ours, or the limit needs raising.");
        }
        return bytes;
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder()
                            .connectTimeout(timeout)
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .build();
                }
                c = http;
            }
        }
        return c;
    }

    private static BundleException unavailable(String uri, String why, Throwable cause) {
        return new BundleException(
                Reason.UNAVAILABLE,
                "Could not fetch the model bundle from " + uri + ": " + why
                        + "; check the URI and that the model store is reachable from here.",
                cause);
    }
}
