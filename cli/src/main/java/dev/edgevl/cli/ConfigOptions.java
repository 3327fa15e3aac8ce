package dev.edgevl.cli;

import dev.edgevl.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The configuration options every command takes: a properties file and single overrides. */
final class ConfigOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with settings (e.g. serde.format, registry.url, kafka.security.protocol). "
                    + "Environment variables EDGEVL_<KEY> override it; --set overrides both.")
    Path file;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            mapFallbackValue = "",
            description = "Override one setting, e.g. --set serde.format=confluent. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    Settings settings() {
        return Settings.load(Optional.ofNullable(file), System.getenv(), overrides);
    }
}
