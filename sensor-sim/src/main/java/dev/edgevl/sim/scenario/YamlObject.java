package dev.edgevl.sim.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A mapping read from a scenario file, which knows where it came from, so every complaint can name
 * the file and the field ("drift.yaml: devices[0].sensors[1].fps: must be > 0, was -5").
 */
final class YamlObject {

    private final String source;
    private final String path;
    private final JsonNode node;

    YamlObject(String source, String path, JsonNode node) {
        this.source = source;
        this.path = path;
        this.node = node;
        if (node == null || !node.isObject()) {
            throw fail(path, "expected a mapping of fields, found " + describe(node));
        }
    }

    boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    String string(String key) {
        JsonNode value = value(key);
        if (!value.isTextual() && !value.isNumber()) {
            throw error(key, "expected text, found " + describe(value));
        }
        String text = value.asText().trim();
        if (text.isEmpty()) {
            throw error(key, "must not be empty");
        }
        return text;
    }

    String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    long integer(String key, long fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode value = node.get(key);
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw error(key, "expected a whole number, found " + describe(value));
        }
        return value.asLong();
    }

    double number(String key, double fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode value = node.get(key);
        if (!value.isNumber()) {
            throw error(key, "expected a number, found " + describe(value));
        }
        return value.asDouble();
    }

    Duration duration(String key) {
        JsonNode value = value(key);
        if (value.isNumber() && value.asDouble() == 0) {
            return Duration.ZERO;
        }
        if (!value.isTextual()) {
            throw error(key, "expected a duration with a unit such as 500ms, 90s or 5m, found " + describe(value));
        }
        try {
            return Durations.parse(value.asText());
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    Optional<Duration> optionalDuration(String key) {
        return has(key) ? Optional.of(duration(key)) : Optional.empty();
    }

    Duration duration(String key, Duration fallback) {
        return has(key) ? duration(key) : fallback;
    }

    YamlObject object(String key) {
        return new YamlObject(source, child(key), value(key));
    }

    List<YamlObject> objects(String key) {
        JsonNode value = value(key);
        if (!value.isArray()) {
            throw error(key, "expected a list, found " + describe(value));
        }
        List<YamlObject> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            out.add(new YamlObject(source, child(key) + "[" + i + "]", value.get(i)));
        }
        return out;
    }

    List<String> strings(String key) {
        JsonNode value = value(key);
        if (!value.isArray()) {
            throw error(key, "expected a list, found " + describe(value));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                throw fail(child(key) + "[" + i + "]", "expected text, found " + describe(item));
            }
            out.add(item.asText().trim());
        }
        return out;
    }

    /** A mapping of names to numbers, in file order. */
    Map<String, Double> weights(String key) {
        YamlObject map = object(key);
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.node.properties()) {
            if (!e.getValue().isNumber()) {
                throw map.error(e.getKey(), "expected a weight (a number), found " + describe(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().asDouble());
        }
        return out;
    }

    /** Refuses any field not in {@code known}: a misspelt field would otherwise be silently ignored. */
    void allowOnly(String... known) {
        Set<String> allowed = Set.of(known);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw error(name, "unknown field; the fields here are " + String.join(", ", known));
            }
        }
    }

    IllegalArgumentException error(String key, String problem) {
        return fail(child(key), problem);
    }

    IllegalArgumentException fail(String at, String problem) {
        return new IllegalArgumentException(source + ": " + (at.isEmpty() ? "" : at + ": ") + problem);
    }

    String path() {
        return path;
    }

    private JsonNode value(String key) {
        if (!has(key)) {
            throw error(key, "missing; this field is required");
        }
        return node.get(key);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String describe(JsonNode value) {
        if (value == null || value.isNull()) {
            return "nothing";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        return "'" + value.asText() + "'";
    }
}
