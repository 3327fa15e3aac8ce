package dev.edgevl.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Configuration values in layers. A later layer wins over an earlier one; the usual order is
 * defaults (in the {@link ConfigOption}s) &lt; a properties file &lt; environment variables &lt; command-line
 * overrides. Each layer keeps its name so an error can say where a bad value came from.
 */
public final class Settings {
    static final String ENV_PREFIX = "EDGEVL_";

    /** Keys are matched ignoring case and the difference between '.', '-' and '_', which environment names cannot keep. */
    private record Layer(String source, Map<String, String> values, Map<String, String> byNormalKey) {
        static Layer of(String source, Map<String, String> values) {
            Map<String, String> copy = Collections.unmodifiableMap(new LinkedHashMap<>(values));
            Map<String, String> index = new LinkedHashMap<>();
            copy.forEach((k, v) -> index.put(normalize(k), v));
            return new Layer(source, copy, index);
        }

        String lookup(String key) {
            return byNormalKey.get(normalize(key));
        }
    }

    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace('-', '.').replace('_', '.');
    }

    private final List<Layer> layers; // lowest precedence first

    private Settings(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    public static Settings empty() {
        return new Settings(List.of());
    }

    public static Settings of(Map<String, String> values) {
        return empty().withLayer("settings", values);
    }

    /**
     * The usual stack: an optional properties file, then the process environment's {@code EDGEVL_*}
     * variables, then explicit overrides (e.g. from the command line).
     */
    public static Settings load(
            Optional<Path> propertiesFile, Map<String, String> environment, Map<String, String> overrides) {
        Settings settings = empty();
        if (propertiesFile.isPresent()) {
            settings = settings.withLayer("file " + propertiesFile.get(), readProperties(propertiesFile.get()));
        }
        return settings.withLayer("environment", fromEnvironment(environment)).withLayer("command line", overrides);
    }

    /** A copy with one more layer on top. */
    public Settings withLayer(String source, Map<String, String> values) {
        List<Layer> more = new ArrayList<>(layers);
        more.add(Layer.of(source, values));
        return new Settings(more);
    }

    public Settings with(String key, String value) {
        return withLayer("override", Map.of(key, value));
    }

    public <T> T get(ConfigOption<T> option) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer layer = layers.get(i);
            String raw = layer.lookup(option.key());
            if (raw != null) {
                try {
                    return option.parse(raw);
                } catch (RuntimeException e) {
                    throw new ConfigException(
                            "Setting " + option.key() + " = '" + raw + "' (from " + layer.source()
                                    + ") is not valid: expected " + option.expected() + ".",
                            e);
                }
            }
        }
        return option.defaultValue();
    }

    /** The value, which must be set somewhere because the option has no default. */
    public <T> T require(ConfigOption<T> option, String why) {
        T value = get(option);
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw new ConfigException(
                    "Setting " + option.key() + " is required " + why + ": set it in the properties file, as "
                            + option.envName() + " in the environment, or with --set " + option.key() + "=....");
        }
        return value;
    }

    public Optional<String> raw(String key) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            String raw = layers.get(i).lookup(key);
            if (raw != null) {
                return Optional.of(raw);
            }
        }
        return Optional.empty();
    }

    /**
     * Every key under a prefix, the prefix removed, later layers winning; e.g. {@code withPrefix("kafka.")}
     * gives the Kafka client properties to pass through ({@code kafka.security.protocol} → {@code security.protocol}).
     */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new TreeMap<>();
        for (Layer layer : layers) {
            layer.values().forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    result.put(k.substring(prefix.length()), v);
                }
            });
        }
        return result;
    }

    /** All keys and values, later layers winning, for logging; values of secret-looking keys are masked. */
    public Map<String, String> describe() {
        Map<String, String> result = new TreeMap<>();
        for (Layer layer : layers) {
            layer.values().forEach((k, v) -> result.put(k, isSecret(k) ? "******" : v));
        }
        return result;
    }

    /** Judged on the normalized key, so a secret set from the environment ({@code EDGEVL_REGISTRY_BASIC_AUTH_USER_INFO}) is masked too. */
    static boolean isSecret(String key) {
        String k = normalize(key);
        return k.contains("password")
                || k.contains("secret")
                || k.contains("token")
                || k.contains("user.info")
                || k.contains("jaas")
                || k.endsWith(".key");
    }

    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Maps {@code EDGEVL_FOO_BAR_BAZ} to {@code foo.bar.baz}; other variables are ignored. */
    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                values.put(
                        name.substring(ENV_PREFIX.length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.'),
                        value);
            }
        });
        return values;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException(
                    "Cannot read the configuration file " + file + ": " + e.getMessage()
                            + ". Check the path given with --config.",
                    e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }
}
