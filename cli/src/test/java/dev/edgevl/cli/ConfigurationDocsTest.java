package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.edgevl.cli.SettingsCatalogue.Section;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The settings tables of docs/configuration.md are the ones {@link SettingsCatalogue} generates from the options in the code.
 * Run with {@code -Dedgevl.docs.update=true} to rewrite them (see {@link #UPDATE}).
 */
class ConfigurationDocsTest {
    static final String UPDATE =
            "./mvnw -B -o -q -pl cli -am test -Dtest=ConfigurationDocsTest -Dsurefire.failIfNoSpecifiedTests=false "
                    + "-Dspotless.check.skip=true -Dedgevl.docs.update=true";

    @Test
    void theSettingsTablesAreTheOnesTheCodeGenerates() throws IOException {
        Path docs = docs();
        String text = Files.readString(docs);
        String regenerated = SettingsCatalogue.withTables(text);
        if (Boolean.getBoolean("edgevl.docs.update")) {
            if (!regenerated.equals(text)) {
                Files.writeString(docs, regenerated);
            }
            return;
        }
        List<String> stale = SettingsCatalogue.SECTIONS.stream()
                .filter(s -> !Objects.equals(SettingsCatalogue.markedText(text, s), SettingsCatalogue.marked(s)))
                .map(Section::id)
                .toList();
        if (!stale.isEmpty() || !regenerated.equals(text)) {
            fail(docs + ": the settings table(s) " + stale
                    + " differ from the settings in the code. Change descriptions and "
                    + "defaults in the code (the ConfigOption constants), not in the tables, and regenerate the tables with\n  "
                    + UPDATE
                    + "\n(or see them with: edgevl settings --markdown).");
        }
    }

    @Test
    void theDocsSayHowToRegenerateTheTables() throws IOException {
        assertThat(Files.readString(docs())).contains("-Dedgevl.docs.update=true", "edgevl settings");
    }

    @Test
    void linksIntoThePageFromOtherDocsFindTheirSection() throws IOException {
        Path docs = docs();
        List<String> anchors = Files.readString(docs)
                .lines()
                .filter(l -> l.startsWith("#"))
                .map(ConfigurationDocsTest::anchor)
                .toList();
        Path root = docs.getParent().getParent();
        List<Path> pages;
        try (Stream<Path> files = Stream.concat(Stream.of(root.resolve("README.md")), Files.list(docs.getParent()))) {
            pages = files.filter(p -> p.toString().endsWith(".md")).toList();
        }
        Pattern link = Pattern.compile("configuration\\.md#([^)\\s]+)\\)");
        for (Path page : pages) {
            Matcher matcher = link.matcher(Files.readString(page));
            while (matcher.find()) {
                assertThat(anchors)
                        .as("the section %s links to in %s", matcher.group(1), page.getFileName())
                        .contains(matcher.group(1));
            }
        }
    }

    /** A heading's anchor the way GitHub makes it: lower case, punctuation but dashes dropped, spaces as dashes. */
    static String anchor(String heading) {
        String text = heading.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
        return text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    /** docs/configuration.md of this checkout, found from the module directory the tests run in. */
    static Path docs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs").resolve("configuration.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "No docs/configuration.md above " + Path.of("").toAbsolutePath());
    }
}
