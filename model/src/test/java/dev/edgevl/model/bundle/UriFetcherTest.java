package dev.edgevl.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.edgevl.model.bundle.BundleException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UriFetcherTest {
    private final byte[] bundle = TestBundles.bundle();
    private HttpServer server;

    @BeforeEach
    void serveOnLoopback() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/", exchange -> {
            boolean known = exchange.getRequestURI().getPath().endsWith("/bundle.zip");
            exchange.sendResponseHeaders(known ? 200 : 404, known ? bundle.length : -1);
            try (OutputStream out = exchange.getResponseBody()) {
                if (known) {
                    out.write(bundle);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void fetchesFilesAndHttp(@TempDir Path dir) throws IOException {
        UriFetcher fetcher = UriFetcher.withLimits(BundleLimits.DEFAULT);
        Path file = Files.write(dir.resolve("bundle.zip"), bundle);

        assertThat(fetcher.apply(file.toUri().toString())).isEqualTo(bundle);
        assertThat(fetcher.apply(base() + "/models/bundle.zip")).isEqualTo(bundle);
    }

    @Test
    void whatCannotBeFetchedIsUnavailableAndWhatIsTooBigIsTooLarge(@TempDir Path dir) {
        UriFetcher fetcher = UriFetcher.withLimits(BundleLimits.DEFAULT);

        assertThatThrownBy(() -> fetcher.apply(base() + "/models/gone.zip"))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
                .hasMessageContaining("HTTP 404");
        assertThatThrownBy(() -> fetcher.apply(dir.resolve("absent.zip").toUri().toString()))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
        assertThatThrownBy(() -> fetcher.apply("not a uri"))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
        assertThatThrownBy(() -> new UriFetcher(1000, Duration.ofSeconds(5)).apply(base() + "/models/bundle.zip"))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    private String base() {
        return "http://" + server.getAddress().getHostString() + ":"
                + server.getAddress().getPort();
    }
}
