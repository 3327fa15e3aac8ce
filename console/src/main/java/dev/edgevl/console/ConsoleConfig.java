package dev.edgevl.console;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * The console's settings.
 *
 * @param host  the address the page is served on; 127.0.0.1 keeps it to this machine
 * @param port  its TCP port; 0 picks a free one
 * @param token what actions (labels, promote, rollback) must carry as {@code Authorization: Bearer TOKEN}; unset or blank makes
 *     the console read-only
 * @param every how often the page is sent the fleet's state
 */
public record ConsoleConfig(String host, int port, String token, Duration every) {
    public static final ConfigOption<String> HOST = ConfigOption.string(
            "console.host",
            "127.0.0.1",
            "Address the web console listens on. 127.0.0.1 keeps it to this machine; 0.0.0.0 opens it to the network.");
    public static final ConfigOption<Integer> PORT = ConfigOption.integer(
            "console.port", 8088, "TCP port of the web console and its /metrics; 0 picks a free port.");
    public static final ConfigOption<String> TOKEN = ConfigOption.string(
            "console.token",
            null,
            "A secret the console's actions (add or remove a label, promote or roll back a version) must carry as"
                    + " 'Authorization: Bearer TOKEN'; unset: the console is read-only.");
    public static final ConfigOption<Duration> UPDATE_INTERVAL = ConfigOption.duration(
            "console.update-interval",
            Duration.ofSeconds(1),
            "How often the console sends the open pages the fleet's state (server-sent events).");

    public static final List<ConfigOption<?>> OPTIONS = List.of(HOST, PORT, TOKEN, UPDATE_INTERVAL);

    public static ConsoleConfig from(Settings settings) {
        int port = settings.get(PORT);
        PORT.check(port >= 0 && port <= 65_535, "must be between 0 and 65535, not " + port);
        Duration every = settings.get(UPDATE_INTERVAL);
        UPDATE_INTERVAL.check(!every.isNegative() && !every.isZero(), "must be positive");
        return new ConsoleConfig(settings.get(HOST), port, settings.get(TOKEN), every);
    }

    public boolean readOnly() {
        return token == null || token.isBlank();
    }

    public ConsoleConfig withPort(int port) {
        return new ConsoleConfig(host, port, token, every);
    }
}
