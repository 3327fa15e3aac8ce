package dev.edgevl.schemas.registry;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Typed reads from a flat settings map, with errors that name the key and the bad value. */
final class PropertyReader {

    private final Map<String, String> properties;

    PropertyReader(Map<String, String> properties) {
        this.properties = Objects.requireNonNull(properties, "properties");
    }

    /** The stripped value, or null when absent or blank. */
    String string(String key) {
        String value = properties.get(key);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The value exactly as given, or null when absent or blank. */
    String secret(String key) {
        return RegistryConfig.blankToNull(properties.get(key));
    }

    Path path(String key) {
        String value = string(key);
        if (value == null) {
            return null;
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw invalid(key, value, "a file path");
        }
    }

    URI uri(String key, String value) {
        try {
            return new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw invalid(key, value, "a URL such as http://localhost:8081");
        }
    }

    Optional<Integer> integer(String key) {
        String value = string(key);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a whole number");
        }
    }

    Optional<Duration> millis(String key) {
        String value = string(key);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofMillis(Long.parseLong(value)));
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a number of milliseconds");
        }
    }

    private static IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException(key + " must be " + expected + ", was '" + value + "'.");
    }
}
