package dev.edgevl.cli;

import dev.edgevl.config.ConfigOption;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads {@code 90s}, {@code 5m}, {@code PT1H} like the settings do. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return ConfigOption.parseDuration(value);
    }
}
