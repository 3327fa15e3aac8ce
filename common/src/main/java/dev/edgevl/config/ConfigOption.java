package dev.edgevl.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One typed setting: its key, default, description and how to read it from text. Services declare
 * their options as constants and read them from a {@link Settings}, so every knob has one name in
 * properties files ({@code serde.format}), one in the environment ({@code EDGEVL_SERDE_FORMAT}) and
 * one place that documents it.
 */
public final class ConfigOption<T> {
    private final String key;
    private final T defaultValue;
    private final String description;
    private final String expected;
    private final Function<String, T> parser;

    private ConfigOption(String key, T defaultValue, String description, String expected, Function<String, T> parser) {
        this.key = Objects.requireNonNull(key, "key");
        this.defaultValue = defaultValue;
        this.description = Objects.requireNonNull(description, "description");
        this.expected = expected;
        this.parser = parser;
    }

    public static ConfigOption<String> string(String key, String defaultValue, String description) {
        return new ConfigOption<>(key, defaultValue, description, "text", String::trim);
    }

    public static ConfigOption<Integer> integer(String key, Integer defaultValue, String description) {
        return new ConfigOption<>(key, defaultValue, description, "a whole number", s -> Integer.valueOf(s.trim()));
    }

    public static ConfigOption<Long> longInteger(String key, Long defaultValue, String description) {
        return new ConfigOption<>(key, defaultValue, description, "a whole number", s -> Long.valueOf(s.trim()));
    }

    public static ConfigOption<Double> decimal(String key, Double defaultValue, String description) {
        return new ConfigOption<>(key, defaultValue, description, "a number", s -> Double.valueOf(s.trim()));
    }

    public static ConfigOption<Boolean> bool(String key, Boolean defaultValue, String description) {
        return new ConfigOption<>(key, defaultValue, description, "true or false", ConfigOption::parseBoolean);
    }

    /** Durations as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT5M}). */
    public static ConfigOption<Duration> duration(String key, Duration defaultValue, String description) {
        return new ConfigOption<>(
                key,
                defaultValue,
                description,
                "a duration such as 500ms, 30s, 5m or PT5M",
                ConfigOption::parseDuration);
    }

    /** Enum values are written in lower case with dashes ({@code single-object}); any case is accepted. */
    public static <E extends Enum<E>> ConfigOption<E> enumeration(
            String key, Class<E> type, E defaultValue, String description) {
        String choices = Arrays.stream(type.getEnumConstants())
                .map(ConfigOption::externalName)
                .collect(Collectors.joining(", "));
        return new ConfigOption<>(key, defaultValue, description, "one of " + choices, s -> {
            String wanted = s.trim().replace('-', '_').toUpperCase(Locale.ROOT);
            return Enum.valueOf(type, wanted);
        });
    }

    /**
     * An option read by a parser of its own, for values none of the factories above fit (e.g. a number of milliseconds, or a
     * secret kept exactly as given); {@code expected} says what a valid value looks like, for error messages and help.
     */
    public static <T> ConfigOption<T> of(
            String key, T defaultValue, String description, String expected, Function<String, T> parser) {
        return new ConfigOption<>(
                key,
                defaultValue,
                description,
                Objects.requireNonNull(expected, "expected"),
                Objects.requireNonNull(parser, "parser"));
    }

    public static String externalName(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String key() {
        return key;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /**
     * Refuses a value that parsed but does not make sense together with the rest: throws a {@link ConfigException}
     * naming this setting, what is wrong ({@code what}, e.g. "must be positive") and what the setting is for.
     */
    public void check(boolean ok, String what) {
        if (!ok) {
            throw new ConfigException("Setting " + key + " " + what + ". " + description);
        }
    }

    /** What a valid value looks like, for error messages and help. */
    public String expected() {
        return expected;
    }

    /** The environment variable that overrides this option: {@code EDGEVL_} + the key in upper case, dots and dashes as underscores. */
    public String envName() {
        return Settings.envName(key);
    }

    T parse(String text) {
        return parser.apply(text);
    }

    private static Boolean parseBoolean(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on", "1" -> Boolean.TRUE;
            case "false", "no", "off", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException(s);
        };
    }

    /** Parses a duration the way duration options do; public so command-line flags read the same spellings. */
    public static Duration parseDuration(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("p")) {
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        int split = 0;
        while (split < v.length() && (Character.isDigit(v.charAt(split)) || v.charAt(split) == '.')) {
            split++;
        }
        if (split == 0) {
            throw new IllegalArgumentException(s);
        }
        double amount = Double.parseDouble(v.substring(0, split));
        String unit = v.substring(split).trim();
        double millis =
                switch (unit) {
                    case "ms" -> amount;
                    case "", "s" -> amount * 1_000;
                    case "m", "min" -> amount * 60_000;
                    case "h" -> amount * 3_600_000;
                    case "d" -> amount * 86_400_000;
                    default -> throw new IllegalArgumentException(s);
                };
        return Duration.ofMillis(Math.round(millis));
    }

    @Override
    public String toString() {
        return key;
    }
}
