package dev.edgevl.cli;

import dev.edgevl.cli.SettingsCatalogue.Section;
import dev.edgevl.config.ConfigOption;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "settings",
        mixinStandardHelpOptions = true,
        description = {
            "List every setting of every service: its key, default, environment variable and what it does.",
            "Settings come from the defaults, a --config properties file, EDGEVL_* environment variables and --set KEY=VALUE, "
                    + "later ones winning (docs/configuration.md)."
        })
final class SettingsCommand implements Callable<Integer> {
    private static final int WIDTH = 100;
    private static final String INDENT = "      ";

    @Spec
    CommandSpec spec;

    @Option(names = "--markdown", description = "Print the settings as the markdown tables of docs/configuration.md.")
    boolean markdown;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean first = true;
        for (Section section : SettingsCatalogue.SECTIONS) {
            if (!first) {
                out.println();
            }
            first = false;
            if (markdown) {
                out.println("## " + section.title() + " (" + section.appliesTo() + ")");
                out.println();
                out.print(SettingsCatalogue.markdownTable(section));
            } else {
                out.println(section.title() + " (" + section.appliesTo() + ")");
                for (ConfigOption<?> option : section.options()) {
                    out.println("  " + option.key() + " = " + SettingsCatalogue.defaultText(option) + "   ["
                            + option.envName() + "]");
                    wrap(option.description()).forEach(line -> out.println(INDENT + line));
                }
            }
        }
        out.flush();
        return 0;
    }

    /** The text in lines of at most {@link #WIDTH} columns (after the indent), broken at spaces. */
    static List<String> wrap(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > WIDTH - INDENT.length()) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
