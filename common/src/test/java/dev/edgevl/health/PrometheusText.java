package dev.edgevl.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of Prometheus's text exposition format (0.0.4), for tests that scrape {@code /metrics}: it refuses
 * what a Prometheus server would refuse — a malformed line, a bad metric or label name, an unknown type, a second
 * {@code TYPE} for a family, a family's samples split apart, the same series twice, a value that is not a number —
 * with the line that broke the rule.
 */
public final class PrometheusText {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final List<String> SUFFIXES = List.of("_total", "_bucket", "_sum", "_count", "_created");

    /** One series' value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    /** A metric family: its type, its help, its samples. */
    public record Family(String name, String type, String help, List<Sample> samples) {}

    private final Map<String, Family> families;

    private PrometheusText(Map<String, Family> families) {
        this.families = families;
    }

    public Map<String, Family> families() {
        return families;
    }

    /** The samples named {@code name} (with its suffix, e.g. {@code edgevl_sync_frames_total}) whose labels include {@code labels}. */
    public List<Sample> samples(String name, Map<String, String> labels) {
        List<Sample> found = new ArrayList<>();
        for (Family family : families.values()) {
            for (Sample s : family.samples()) {
                if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                    found.add(s);
                }
            }
        }
        return found;
    }

    /** The sum of {@link #samples}' values; 0 when there are none. */
    public double sum(String name, Map<String, String> labels) {
        return samples(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    public Optional<Family> family(String name) {
        return Optional.ofNullable(families.get(name));
    }

    /** @throws IllegalArgumentException with the line number and the rule broken */
    public static PrometheusText parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        Set<String> series = new java.util.HashSet<>();
        Set<String> closed = new java.util.HashSet<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && (parts[1].equals("TYPE") || parts[1].equals("HELP"))) {
                    String name = parts[2];
                    require(METRIC_NAME.matcher(name).matches(), number, "bad metric name '" + name + "'");
                    if (parts[1].equals("TYPE")) {
                        String type = parts.length == 4 ? parts[3].trim() : "";
                        require(TYPES.contains(type), number, "unknown type '" + type + "'");
                        require(!types.containsKey(name), number, "a second TYPE for " + name);
                        require(!families.containsKey(name), number, "TYPE of " + name + " after its samples");
                        types.put(name, type);
                    } else {
                        require(!helps.containsKey(name), number, "a second HELP for " + name);
                        helps.put(name, parts.length == 4 ? parts[3] : "");
                    }
                }
                continue;
            }
            Sample sample = sample(line, number);
            String family = familyOf(sample.name(), types);
            if (!family.equals(current)) {
                require(!closed.contains(family), number, "the samples of " + family + " are split apart");
                if (current != null) {
                    closed.add(current);
                }
                current = family;
            }
            require(
                    series.add(sample.name() + sample.labels()),
                    number,
                    "the series " + sample.name() + sample.labels() + " twice");
            families.computeIfAbsent(
                            family,
                            f -> new Family(f, types.getOrDefault(f, "untyped"), helps.get(f), new ArrayList<>()))
                    .samples()
                    .add(sample);
        }
        return new PrometheusText(families);
    }

    private static String familyOf(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : SUFFIXES) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                if (types.containsKey(base)) {
                    return base;
                }
            }
        }
        return sample;
    }

    private static Sample sample(String line, int number) {
        int at = 0;
        while (at < line.length() && line.charAt(at) != '{' && line.charAt(at) != ' ') {
            at++;
        }
        String name = line.substring(0, at);
        require(METRIC_NAME.matcher(name).matches(), number, "bad metric name '" + name + "'");
        Map<String, String> labels = new LinkedHashMap<>();
        if (at < line.length() && line.charAt(at) == '{') {
            at++;
            while (true) {
                require(at < line.length(), number, "unterminated labels");
                if (line.charAt(at) == '}') {
                    at++;
                    break;
                }
                int eq = line.indexOf('=', at);
                require(eq > at, number, "a label without '='");
                String label = line.substring(at, eq);
                require(LABEL_NAME.matcher(label).matches(), number, "bad label name '" + label + "'");
                require(eq + 1 < line.length() && line.charAt(eq + 1) == '"', number, "an unquoted label value");
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (true) {
                    require(j < line.length(), number, "an unterminated label value");
                    char c = line.charAt(j);
                    if (c == '\\') {
                        require(j + 1 < line.length(), number, "a dangling escape");
                        char e = line.charAt(j + 1);
                        switch (e) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default ->
                                throw new IllegalArgumentException("line " + number + ": an unknown escape \\" + e);
                        }
                        j += 2;
                    } else if (c == '"') {
                        j++;
                        break;
                    } else {
                        value.append(c);
                        j++;
                    }
                }
                require(labels.put(label, value.toString()) == null, number, "the label " + label + " twice");
                at = j;
                if (at < line.length() && line.charAt(at) == ',') {
                    at++;
                }
            }
        }
        String[] rest = line.substring(at).trim().split(" +");
        require(rest.length == 1 || rest.length == 2, number, "expected a value and at most a timestamp");
        return new Sample(name, labels, number(rest[0], number));
    }

    private static double number(String text, int line) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + line + ": not a number: '" + text + "'", e);
                }
        }
    }

    private static void require(boolean rule, int line, String broken) {
        if (!rule) {
            throw new IllegalArgumentException("line " + line + ": " + broken);
        }
    }
}
