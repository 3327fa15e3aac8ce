package dev.edgevl.console;

import dev.edgevl.config.ConfigException;
import dev.edgevl.config.Settings;
import dev.edgevl.distill.DistillerConfig;
import dev.edgevl.eval.live.LiveReport;
import dev.edgevl.schemas.serde.AvroSerdes;
import java.io.IOException;
import java.net.BindException;
import java.util.Map;
import java.util.function.Supplier;

/** The console as a whole: the feed that follows the topics and the server that shows it, started and closed together. */
public final class Console implements AutoCloseable {
    private final ConsoleFeed feed;
    private final ConsoleServer server;

    private Console(ConsoleFeed feed, ConsoleServer server) {
        this.feed = feed;
        this.server = server;
    }

    /**
     * Follows the cluster {@code client} reaches and serves the page on {@code console.host}:{@code console.port}.
     *
     * @param anyPortIfBusy when the configured port is taken, take a free one rather than fail ({@code edgevl local},
     *     where the port was not asked for)
     * @param accuracy the live evaluator's report, or null where there is no ground truth to judge against
     * @throws ConfigException when the address cannot be bound
     */
    public static Console start(
            Settings settings,
            Map<String, Object> client,
            AvroSerdes serdes,
            DistillerConfig distiller,
            Supplier<LiveReport> accuracy,
            boolean anyPortIfBusy) {
        ConsoleConfig config = ConsoleConfig.from(settings);
        ConsoleFeed feed = new ConsoleFeed(client, serdes);
        KafkaConsoleActions actions = new KafkaConsoleActions(client, serdes, distiller);
        try {
            ConsoleServer server;
            try {
                server = ConsoleServer.start(config, feed, actions, distiller.family(), accuracy);
            } catch (BindException e) {
                if (!anyPortIfBusy || config.port() == 0) {
                    throw e;
                }
                server = ConsoleServer.start(config.withPort(0), feed, actions, distiller.family(), accuracy);
            }
            return new Console(feed, server);
        } catch (IOException e) {
            feed.close();
            throw new ConfigException(
                    "Cannot serve the console on " + config.host() + ":" + config.port() + " ("
                            + ConsoleConfig.PORT.key() + ", " + ConsoleConfig.HOST.key() + "): " + e.getMessage()
                            + ". Is another process using the port?",
                    e);
        }
    }

    /** Where the page is, e.g. {@code http://127.0.0.1:8088/}. */
    public String url() {
        return server.url();
    }

    public int port() {
        return server.port();
    }

    public ConsoleFeed feed() {
        return feed;
    }

    @Override
    public void close() {
        server.close();
        feed.close();
    }
}
