package dev.edgevl.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.edgevl.config.Settings;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/**
 * The chart in {@code helm/edgevl} rendered by an embedded Helm ({@code helm template}) and read back as YAML, with
 * the look-ups the tests need: objects by kind and component, containers, their environment, and the settings a
 * service would end up with.
 */
final class RenderedChart {
    static final String RELEASE = "edgevl";
    static final String NAMESPACE = "streams";
    /** What every test passes at least: the two values without a default. */
    static final Map<String, String> REQUIRED =
            Map.of("kafka.bootstrapServers", "kafka.example:9092", "signing.secretName", "edgevl-signing");

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    final String text;
    final List<JsonNode> objects;

    private RenderedChart(String text, List<JsonNode> objects) {
        this.text = text;
        this.objects = objects;
    }

    static Path chartDirectory() {
        String dir = System.getProperty("edgevl.chart.dir");
        Path chart = dir != null ? Path.of(dir) : Path.of("..", "helm", "edgevl");
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            throw new IllegalStateException("No chart at " + chart.toAbsolutePath() + "; run the tests through Maven "
                    + "(./mvnw -pl helm-chart verify), which passes edgevl.chart.dir.");
        }
        return chart;
    }

    static Helm helm() {
        return new Helm(chartDirectory());
    }

    /** Renders with the required values, then {@code sets} on top. */
    static RenderedChart render(Map<String, String> sets) {
        return render(Optional.empty(), sets);
    }

    static RenderedChart render(Optional<Path> valuesFile, Map<String, String> sets) {
        Map<String, String> all = new LinkedHashMap<>(REQUIRED);
        all.putAll(sets);
        return renderExactly(valuesFile, all);
    }

    /** Renders with exactly these values on top of the chart's defaults; Helm's refusals surface as exceptions. */
    static RenderedChart renderExactly(Optional<Path> valuesFile, Map<String, String> sets) {
        TemplateCommand template = helm().template().withName(RELEASE).withNamespace(NAMESPACE);
        if (valuesFile.isPresent()) {
            template = template.withValuesFile(valuesFile.get());
        }
        for (Map.Entry<String, String> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        String text = template.call();
        return new RenderedChart(text, parse(text));
    }

    static Path example(String name) {
        return chartDirectory().resolve("examples").resolve(name);
    }

    private static List<JsonNode> parse(String text) {
        try (var parser = new YAMLFactory().createParser(new StringReader(text))) {
            List<JsonNode> documents = new ArrayList<>();
            for (JsonNode document : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (document != null && !document.isNull() && !document.isMissingNode() && document.size() > 0) {
                    documents.add(document);
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException("The rendered chart is not valid YAML:\n" + text, e);
        }
    }

    List<String> kinds() {
        return objects.stream().map(o -> o.path("kind").asText()).toList();
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind))
                .toList();
    }

    /** The one object of {@code kind} whose app.kubernetes.io/component label is {@code component}. */
    JsonNode get(String kind, String component) {
        List<JsonNode> found = ofKind(kind).stream()
                .filter(o -> o.at("/metadata/labels/app.kubernetes.io~1component")
                        .asText()
                        .equals(component))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("Expected one " + kind + " for component " + component + ", found " + found.size()
                    + " among " + kinds());
        }
        return found.get(0);
    }

    boolean has(String kind, String component) {
        return ofKind(kind).stream().anyMatch(o -> o.at("/metadata/labels/app.kubernetes.io~1component")
                .asText()
                .equals(component));
    }

    /** The pod spec of a workload (Deployment, StatefulSet, Job) or the pod template of a FlinkDeployment. */
    static JsonNode podSpec(JsonNode workload) {
        return workload.path("kind").asText().equals("FlinkDeployment")
                ? workload.at("/spec/podTemplate/spec")
                : workload.at("/spec/template/spec");
    }

    static JsonNode container(JsonNode workload, String name) {
        JsonNode spec = podSpec(workload);
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode container : spec.path(list)) {
                if (container.path("name").asText().equals(name)) {
                    return container;
                }
            }
        }
        throw new AssertionError(
                "No container " + name + " in " + workload.at("/metadata/name").asText());
    }

    static List<JsonNode> allContainers(JsonNode workload) {
        JsonNode spec = podSpec(workload);
        List<JsonNode> containers = new ArrayList<>();
        spec.path("initContainers").forEach(containers::add);
        spec.path("containers").forEach(containers::add);
        return containers;
    }

    /** A container's env entries by name, as written (value or valueFrom). */
    static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    /**
     * The environment a container's process would see, as Kubernetes builds it: values as written, a Secret
     * reference as {@code <secret:NAME/KEY>}, and {@code $(VAR)} expanded from the variables defined before it.
     */
    static Map<String, String> resolvedEnv(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode entry : container.path("env")) {
            String value;
            JsonNode secret = entry.at("/valueFrom/secretKeyRef");
            if (!secret.isMissingNode()) {
                value = "<secret:" + secret.path("name").asText() + "/"
                        + secret.path("key").asText() + ">";
            } else {
                Matcher m = ENV_REFERENCE.matcher(entry.path("value").asText());
                StringBuilder expanded = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(expanded, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
                }
                m.appendTail(expanded);
                value = expanded.toString();
            }
            env.put(entry.path("name").asText(), value);
        }
        return env;
    }

    /** The properties file the chart's ConfigMap holds for a component ({@code frame-sync.properties}, …). */
    Map<String, String> propertiesOf(String component) {
        JsonNode data = get("ConfigMap", "config").path("data");
        JsonNode file = data.path(component + ".properties");
        if (file.isMissingNode()) {
            throw new AssertionError("No " + component + ".properties in the ConfigMap: " + data);
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(file.asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
        return values;
    }

    /**
     * The settings a service would load in this container: its properties file from the ConfigMap as
     * {@code --config}, and its environment — through {@code Settings.load}, as the services do.
     */
    Settings settingsOf(String component, JsonNode container) {
        try {
            Path file = Files.createTempFile(component, ".properties");
            try {
                Files.writeString(
                        file,
                        get("ConfigMap", "config")
                                .path("data")
                                .path(component + ".properties")
                                .asText());
                return Settings.load(Optional.of(file), resolvedEnv(container), Map.of());
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every named port of a container. */
    static Map<String, Integer> ports(JsonNode container) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        container
                .path("ports")
                .forEach(p -> ports.put(
                        p.path("name").asText(), p.path("containerPort").asInt()));
        return ports;
    }

    static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }
}
