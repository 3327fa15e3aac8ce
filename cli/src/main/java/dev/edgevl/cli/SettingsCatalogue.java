package dev.edgevl.cli;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.console.ConsoleConfig;
import dev.edgevl.device.agent.AgentConfig;
import dev.edgevl.device.sdk.DeviceProducerConfig;
import dev.edgevl.distill.DistillerConfig;
import dev.edgevl.health.HealthServer;
import dev.edgevl.inference.InferenceConfig;
import dev.edgevl.model.teacher.TeacherConfig;
import dev.edgevl.schemas.registry.RegistryConfig;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.sync.FrameSyncConfig;
import dev.edgevl.teacher.service.TeacherServiceConfig;
import java.io.File;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every service's settings in one place, in the order {@code docs/configuration.md} lists them. The settings tables of that
 * page are generated from here ({@link #markdownTable}, {@link #withTables}); {@code edgevl settings} prints the same.
 */
public final class SettingsCatalogue {

    /**
     * One group of settings.
     *
     * @param id        the name of its table's markers in the docs: {@code <!-- settings:ID -->} … {@code <!-- /settings:ID -->}
     * @param title     what the settings are for
     * @param appliesTo the commands (or other entry points) that read them
     * @param options   the settings, in the order they are documented
     */
    public record Section(String id, String title, String appliesTo, List<ConfigOption<?>> options) {
        public Section {
            options = List.copyOf(options);
        }
    }

    public static final List<Section> SECTIONS = List.of(
            new Section("kafka", "Kafka", "every command that reaches Kafka", KafkaSettings.OPTIONS),
            new Section(
                    "serdes",
                    "Serdes and schema registry",
                    "every command that reads or writes records",
                    Stream.concat(AvroSerdes.OPTIONS.stream(), RegistryConfig.OPTIONS.stream())
                            .toList()),
            new Section(
                    "health",
                    "Health and metrics endpoints",
                    "edgevl ingest, edgevl teacher serve, edgevl distill, edgevl simulate, edgevl agent",
                    HealthServer.OPTIONS),
            new Section(
                    "devices",
                    "Devices",
                    "edgevl simulate, edgevl agent, the device SDK",
                    DeviceProducerConfig.OPTIONS),
            new Section("frame-sync", "Frame sync", "edgevl ingest", FrameSyncConfig.OPTIONS),
            new Section(
                    "stream-inference", "Stream inference", "edgevl infer, the Flink job jar", InferenceConfig.OPTIONS),
            new Section("agent", "Device agents", "edgevl agent, edgevl simulate --agents", AgentConfig.OPTIONS),
            new Section(
                    "teacher",
                    "The teacher model",
                    "edgevl teacher serve, edgevl local, edgevl distill bootstrap",
                    TeacherConfig.OPTIONS),
            new Section("teacher-service", "The teacher service", "edgevl teacher serve", TeacherServiceConfig.OPTIONS),
            new Section("distiller", "The distiller", "edgevl distill, edgevl models", DistillerConfig.OPTIONS),
            new Section("console", "The web console", "edgevl console, edgevl local", ConsoleConfig.OPTIONS));

    /** How the docs refer to a setting without a default. */
    public static final String NO_DEFAULT = "—";

    private static final Pattern MARKER =
            Pattern.compile("<!-- settings:([a-z0-9-]+) -->\\n(.*?)<!-- /settings:\\1 -->\\n?", Pattern.DOTALL);

    private SettingsCatalogue() {}

    public static Section section(String id) {
        return SECTIONS.stream()
                .filter(s -> s.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No settings section called " + id + "; there are "
                        + SECTIONS.stream().map(Section::id).toList() + "."));
    }

    /** Every option of every section, in order. */
    public static List<ConfigOption<?>> options() {
        return SECTIONS.stream().flatMap(s -> s.options().stream()).toList();
    }

    /**
     * The default as a user would write it, or {@value #NO_DEFAULT} when there is none: durations as {@code 500ms}, {@code 30s},
     * {@code 5m}; enums in lower case with dashes; numbers without trailing zeros; the home directory as {@code ~}, so the text
     * does not depend on who runs it.
     */
    public static String defaultText(ConfigOption<?> option) {
        Object value = option.defaultValue();
        if (value == null) {
            return NO_DEFAULT;
        }
        if (value instanceof Duration duration) {
            return durationText(duration);
        }
        if (value instanceof Enum<?> e) {
            return ConfigOption.externalName(e);
        }
        if (value instanceof Double || value instanceof Float) {
            return BigDecimal.valueOf(((Number) value).doubleValue())
                    .stripTrailingZeros()
                    .toPlainString();
        }
        String text = value.toString();
        String home = System.getProperty("user.home");
        if (home != null && !home.isEmpty() && (text.equals(home) || text.startsWith(home + File.separator))) {
            text = "~" + text.substring(home.length()).replace(File.separatorChar, '/');
        }
        return text.isEmpty() ? "\"\"" : text;
    }

    /** A duration in the largest unit that holds it exactly ({@code 2m}, not {@code 120s}); ISO-8601 below a millisecond. */
    static String durationText(Duration duration) {
        if (duration.isNegative() || duration.toNanos() % 1_000_000 != 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        long[] sizes = {86_400_000, 3_600_000, 60_000, 1_000};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }

    /** The section's settings as a markdown table {@code | key | default | meaning |}, one row per setting, ending in a newline. */
    public static String markdownTable(Section section) {
        StringBuilder table = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (ConfigOption<?> option : section.options()) {
            String value = defaultText(option);
            table.append("| `")
                    .append(option.key())
                    .append("` | ")
                    .append(value.equals(NO_DEFAULT) ? value : "`" + value + "`")
                    .append(" | ")
                    .append(markdownText(option.description()))
                    .append(" |\n");
        }
        return table.toString();
    }

    /** Plain text in a table cell: a pipe would end the cell, and {@code <name>} would read as an HTML tag. */
    static String markdownText(String text) {
        return text.replace("\\", "\\\\")
                .replace("|", "\\|")
                .replace("<", "\\<")
                .replace("\n", " ");
    }

    /**
     * {@code document} with the table between each pair of markers {@code <!-- settings:ID -->} … {@code <!-- /settings:ID -->}
     * regenerated, everything outside them kept as it is.
     *
     * @throws IllegalArgumentException when a section has no markers, or two pairs, or markers name no section
     */
    public static String withTables(String document) {
        Matcher matcher = MARKER.matcher(document);
        StringBuilder result = new StringBuilder();
        Set<String> seen = new HashSet<>();
        while (matcher.find()) {
            Section section = section(matcher.group(1));
            if (!seen.add(section.id())) {
                throw new IllegalArgumentException(
                        "The settings table " + section.id() + " is marked twice; keep one.");
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(marked(section)));
        }
        matcher.appendTail(result);
        List<String> missing = new ArrayList<>();
        SECTIONS.stream().map(Section::id).filter(id -> !seen.contains(id)).forEach(missing::add);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "No place for the settings table(s) " + missing + ": put <!-- settings:ID --> and "
                            + "<!-- /settings:ID --> lines, each on its own, where each table belongs.");
        }
        return result.toString();
    }

    /** The table between its markers, as {@link #withTables} writes it. */
    public static String marked(Section section) {
        return "<!-- settings:" + section.id() + " -->\n" + markdownTable(section) + "<!-- /settings:" + section.id()
                + " -->\n";
    }

    /** What is between the markers of {@code section} in {@code document}, or null when they are not there. */
    public static String markedText(String document, Section section) {
        Matcher matcher = MARKER.matcher(document);
        while (matcher.find()) {
            if (matcher.group(1).equals(section.id())) {
                return matcher.group();
            }
        }
        return null;
    }
}
