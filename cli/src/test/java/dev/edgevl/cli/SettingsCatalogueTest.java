package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.cli.SettingsCatalogue.Section;
import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.KafkaSettings;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SettingsCatalogueTest {
    /** The classes that declare settings; a new one is found by {@link #everyOptionOnTheClasspathIsInTheCatalogue} too. */
    static final List<Class<?>> CONFIG_CLASSES = List.of(
            KafkaSettings.class,
            AvroSerdes.class,
            RegistryConfig.class,
            HealthServer.class,
            DeviceProducerConfig.class,
            FrameSyncConfig.class,
            InferenceConfig.class,
            AgentConfig.class,
            TeacherConfig.class,
            TeacherServiceConfig.class,
            DistillerConfig.class);

    @Test
    void everyOptionOfTheConfigClassesIsInExactlyOneSection() throws Exception {
        Map<ConfigOption<?>, List<String>> sectionsOf = sectionsOfEachOption();
        for (Class<?> type : CONFIG_CLASSES) {
            List<Field> fields = optionFields(type);
            assertThat(fields).as(type.getName() + " declares settings").isNotEmpty();
            for (Field field : fields) {
                ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                assertThat(sectionsOf.getOrDefault(option, List.of()))
                        .as(
                                "%s.%s (%s) must be in exactly one section of SettingsCatalogue",
                                type.getSimpleName(), field.getName(), option.key())
                        .hasSize(1);
            }
        }
    }

    @Test
    void everyOptionOnTheClasspathIsInTheCatalogue() throws Exception {
        Map<ConfigOption<?>, List<String>> sectionsOf = sectionsOfEachOption();
        List<String> missing = new ArrayList<>();
        Set<Class<?>> declaring = new LinkedHashSet<>();
        for (Class<?> type : projectClasses()) {
            for (Field field : optionFields(type)) {
                declaring.add(type);
                ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                if (sectionsOf.getOrDefault(option, List.of()).size() != 1) {
                    missing.add(type.getName() + "." + field.getName() + " (" + option.key() + ")");
                }
            }
        }
        assertThat(declaring).as("the scan finds the known config classes").containsAll(CONFIG_CLASSES);
        assertThat(missing)
                .as("settings not in exactly one section of SettingsCatalogue")
                .isEmpty();
    }

    @Test
    void sectionsAndKeysAreUnique() {
        assertThat(SettingsCatalogue.SECTIONS).extracting(Section::id).doesNotHaveDuplicates();
        assertThat(SettingsCatalogue.options()).extracting(ConfigOption::key).doesNotHaveDuplicates();
        assertThat(SettingsCatalogue.SECTIONS)
                .allSatisfy(s -> assertThat(s.options()).as(s.id()).isNotEmpty());
        assertThat(SettingsCatalogue.options())
                .allSatisfy(o -> assertThat(o.description()).as(o.key()).isNotBlank());
    }

    @Test
    void defaultsAreWrittenTheWayAUserWritesThem() {
        assertThat(SettingsCatalogue.defaultText(KafkaSettings.BOOTSTRAP)).isEqualTo("—");
        assertThat(SettingsCatalogue.defaultText(FrameSyncConfig.TOLERANCE)).isEqualTo("auto");
        assertThat(SettingsCatalogue.defaultText(FrameSyncConfig.TOLERANCE_MAX)).isEqualTo("100ms");
        assertThat(SettingsCatalogue.defaultText(FrameSyncConfig.TOLERANCE_THERMAL))
                .isEqualTo("—");
        assertThat(SettingsCatalogue.defaultText(FrameSyncConfig.LOG_INTERVAL)).isEqualTo("30s");
        assertThat(SettingsCatalogue.defaultText(FrameSyncConfig.DEVICE_EXPIRY)).isEqualTo("1h");
        assertThat(SettingsCatalogue.defaultText(DeviceProducerConfig.DELIVERY_TIMEOUT))
                .isEqualTo("2m");
        assertThat(SettingsCatalogue.defaultText(FrameSyncConfig.STORE)).isEqualTo("in-memory");
        assertThat(SettingsCatalogue.defaultText(AvroSerdes.FORMAT)).isEqualTo("single-object");
        assertThat(SettingsCatalogue.defaultText(InferenceConfig.BURST)).isEqualTo("5");
        assertThat(SettingsCatalogue.defaultText(InferenceConfig.EXPLORATION)).isEqualTo("0.005");
        assertThat(SettingsCatalogue.defaultText(RegistryConfig.CONNECT_TIMEOUT_MS))
                .isEqualTo("5000");
        assertThat(SettingsCatalogue.defaultText(TeacherConfig.CACHE_DIR)).isEqualTo("~/.edgevl/cache");
        assertThat(SettingsCatalogue.defaultText(DistillerConfig.STORE_DIR)).isEqualTo("~/.edgevl/models");
        assertThat(SettingsCatalogue.durationText(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(SettingsCatalogue.durationText(Duration.ofDays(1))).isEqualTo("1d");
        assertThat(SettingsCatalogue.durationText(Duration.ZERO)).isEqualTo("0s");
        assertThat(SettingsCatalogue.durationText(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
    }

    @Test
    void everyDefaultReadsBackAsItself() {
        for (ConfigOption<?> option : SettingsCatalogue.options()) {
            String text = SettingsCatalogue.defaultText(option);
            if (!text.equals(SettingsCatalogue.NO_DEFAULT) && !text.startsWith("~")) {
                assertThat(dev.edgevl.config.Settings.of(Map.of(option.key(), text))
                                .get(option))
                        .as(option.key())
                        .isEqualTo(option.defaultValue());
            }
        }
    }

    @Test
    void aTableHasARowPerSettingAndCellsThatStayCells() {
        String table = SettingsCatalogue.markdownTable(SettingsCatalogue.section("health"));
        assertThat(table).isEqualTo("""
                | key | default | meaning |
                |---|---|---|
                | `health.port` | `0` | %s |
                """.formatted(HealthServer.PORT.description()));
        assertThat(SettingsCatalogue.markdownText("a|b <name>.pem")).isEqualTo("a\\|b \\<name>.pem");
        assertThat(SettingsCatalogue.markdownTable(SettingsCatalogue.section("serdes"))
                        .lines()
                        .skip(2))
                .hasSize(AvroSerdes.OPTIONS.size() + RegistryConfig.OPTIONS.size())
                .allSatisfy(row -> assertThat(row.replace("\\|", "")
                                .chars()
                                .filter(c -> c == '|')
                                .count())
                        .as(row)
                        .isEqualTo(4));
    }

    @Test
    void tablesAreRegeneratedBetweenTheirMarkersOnly() {
        StringBuilder document = new StringBuilder("# Title\n\nProse before.\n\n");
        for (Section section : SettingsCatalogue.SECTIONS) {
            document.append("## ")
                    .append(section.title())
                    .append("\n\n<!-- settings:")
                    .append(section.id())
                    .append(" -->\n| old |\n")
                    .append("<!-- /settings:")
                    .append(section.id())
                    .append(" -->\n\nProse after ")
                    .append(section.id())
                    .append(".\n\n");
        }
        String regenerated = SettingsCatalogue.withTables(document.toString());

        assertThat(regenerated)
                .startsWith(
                        "# Title\n\nProse before.\n\n## Kafka\n\n<!-- settings:kafka -->\n| key | default | meaning |")
                .contains("`kafka.bootstrap.servers`", "`distill.rgb.min-brightness`", "Prose after frame-sync.")
                .doesNotContain("| old |");
        assertThat(SettingsCatalogue.withTables(regenerated)).isEqualTo(regenerated);
        for (Section section : SettingsCatalogue.SECTIONS) {
            assertThat(SettingsCatalogue.markedText(regenerated, section)).isEqualTo(SettingsCatalogue.marked(section));
        }
    }

    @Test
    void missingOrUnknownMarkersAreRefused() {
        assertThatThrownBy(() -> SettingsCatalogue.withTables("<!-- settings:kafka -->\n<!-- /settings:kafka -->\n"))
                .hasMessageContaining("No place for the settings table(s)")
                .hasMessageContaining("frame-sync");
        assertThatThrownBy(() -> SettingsCatalogue.withTables("<!-- settings:nope -->\n<!-- /settings:nope -->\n"))
                .hasMessageContaining("No settings section called nope");
    }

    private static Map<ConfigOption<?>, List<String>> sectionsOfEachOption() {
        Map<ConfigOption<?>, List<String>> sectionsOf = new IdentityHashMap<>();
        for (Section section : SettingsCatalogue.SECTIONS) {
            section.options().forEach(o -> sectionsOf
                    .computeIfAbsent(o, k -> new ArrayList<>())
                    .add(section.id()));
        }
        return sectionsOf;
    }

    /** The public static ConfigOption fields of {@code type}: its settings. */
    private static List<Field> optionFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field field : type.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers)
                    && Modifier.isPublic(modifiers)
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                fields.add(field);
            }
        }
        return fields;
    }

    /** Every class of the project on the test classpath (the cli module's and the modules it depends on), not initialised. */
    private static List<Class<?>> projectClasses() {
        List<String> names = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.map(path::relativize)
                            .map(p -> p.toString().replace(File.separatorChar, '/'))
                            .forEach(names::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (entry.endsWith(".jar")
                    && Files.isRegularFile(path)
                    && path.getFileName().toString().startsWith("edgevl-")) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    jar.stream().map(e -> e.getName()).forEach(names::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        List<Class<?>> classes = new ArrayList<>();
        ClassLoader loader = SettingsCatalogueTest.class.getClassLoader();
        for (String name : names) {
            if (name.startsWith("dev/edgevl/") && name.endsWith(".class") && !name.contains("-")) {
                try {
                    Class<?> type = Class.forName(
                            name.substring(0, name.length() - ".class".length()).replace('/', '.'), false, loader);
                    type.getDeclaredFields(); // resolves the field types; a class that cannot is not one of ours to
                    // check
                    classes.add(type);
                } catch (ClassNotFoundException | LinkageError e) {
                    // e.g. a class of an optional dependency that is not on this classpath
                }
            }
        }
        return classes;
    }
}
