package dev.edgevl.sim.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.edgevl.sim.Seeds;
import dev.edgevl.sim.world.Shape;
import dev.edgevl.sim.world.WorldConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Reads a scenario from YAML text into a {@link Scenario}, checking everything a typo could break and
 * saying where (file and field) and what to write instead. The format is documented in the module
 * README and by the shipped {@code scenarios/default.yaml} and {@code scenarios/drift.yaml}.
 */
final class ScenarioParser {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration DEFAULT_SCENE_DURATION = Duration.ofSeconds(1);

    private final String source;

    ScenarioParser(String source) {
        this.source = source;
    }

    Scenario parse(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new IllegalArgumentException(source + ": not valid YAML" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new IllegalArgumentException(
                    source + ": the file is empty; a scenario needs at least a name and devices");
        }
        YamlObject top = new YamlObject(source, "", root);
        top.allowOnly("name", "seed", "world", "devices", "drift");
        String name = top.string("name");
        long seed = top.integer("seed", 0);
        WorldSettings world = top.has("world")
                ? world(top.object("world"))
                : new WorldSettings(WorldConfig.defaults(), DEFAULT_SCENE_DURATION);
        List<DeviceSpec> devices = devices(top, seed);
        Set<String> deviceIds = new LinkedHashSet<>();
        devices.forEach(d -> deviceIds.add(d.id()));
        List<DriftEvent> drift = new ArrayList<>();
        if (top.has("drift")) {
            for (YamlObject event : top.objects("drift")) {
                drift.add(DriftParser.parse(event, deviceIds, devices));
            }
        }
        return new Scenario(name, seed, world.config(), world.sceneDuration(), devices, drift);
    }

    private record WorldSettings(WorldConfig config, Duration sceneDuration) {}

    private WorldSettings world(YamlObject w) {
        w.allowOnly("width", "height", "sceneDuration", "distractorProbability", "clutter", "classes");
        WorldConfig defaults = WorldConfig.defaults();
        int width = (int) positive(w, "width", w.integer("width", defaults.width()), 4096);
        int height = (int) positive(w, "height", w.integer("height", defaults.height()), 4096);
        Duration sceneDuration = w.duration("sceneDuration", DEFAULT_SCENE_DURATION);
        if (sceneDuration.isNegative() || sceneDuration.isZero()) {
            throw w.error("sceneDuration", "must be longer than 0, was " + Durations.format(sceneDuration));
        }
        double distractor = w.number("distractorProbability", defaults.distractorProbability());
        if (!(distractor >= 0 && distractor <= 1)) {
            throw w.error("distractorProbability", "must be between 0 and 1, was " + distractor);
        }
        int clutterMin = defaults.clutterMin();
        int clutterMax = defaults.clutterMax();
        if (w.has("clutter")) {
            YamlObject clutter = w.object("clutter");
            clutter.allowOnly("min", "max");
            clutterMin = (int) clutter.integer("min", clutterMin);
            clutterMax = (int) clutter.integer("max", Math.max(clutterMin, clutterMax));
            if (clutterMin < 0 || clutterMax < clutterMin || clutterMax > 50) {
                throw w.error("clutter", "needs 0 <= min <= max <= 50, was min " + clutterMin + ", max " + clutterMax);
            }
        }
        Map<String, Double> mix = defaults.classMix();
        if (w.has("classes")) {
            mix = w.weights("classes");
            for (String label : mix.keySet()) {
                knownShape(w, "classes", label);
            }
            try {
                new WorldConfig(width, height, mix, distractor, clutterMin, clutterMax);
            } catch (IllegalArgumentException e) {
                throw w.error("classes", e.getMessage());
            }
        }
        return new WorldSettings(
                new WorldConfig(width, height, mix, distractor, clutterMin, clutterMax), sceneDuration);
    }

    private List<DeviceSpec> devices(YamlObject top, long seed) {
        List<DeviceSpec> devices = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<YamlObject> groups = top.objects("devices");
        if (groups.isEmpty()) {
            throw top.error(
                    "devices", "the fleet is empty; add a group such as {count: 4, idPrefix: dev-, sensors: [...]}");
        }
        for (YamlObject group : groups) {
            group.allowOnly("count", "idPrefix", "firstIndex", "ids", "sensors");
            List<String> ids = deviceIds(group);
            List<YamlObject> sensors = group.objects("sensors");
            if (sensors.isEmpty()) {
                throw group.error("sensors", "a device needs at least one sensor");
            }
            for (String id : ids) {
                if (!seen.add(id)) {
                    throw group.fail(
                            group.path(), "device id '" + id + "' is used twice; ids must be unique across the fleet");
                }
                devices.add(new DeviceSpec(id, sensors(sensors, seed, id)));
            }
        }
        return devices;
    }

    private List<String> deviceIds(YamlObject group) {
        boolean listed = group.has("ids");
        boolean counted = group.has("count") || group.has("idPrefix");
        if (listed == counted) {
            throw group.fail(
                    group.path(), "give either ids: [a, b] or count: N with idPrefix: (not both, not neither)");
        }
        if (listed) {
            List<String> ids = group.strings("ids");
            if (ids.isEmpty()) {
                throw group.error("ids", "must list at least one device id");
            }
            return ids;
        }
        if (!group.has("count")) {
            throw group.error("count", "missing; with idPrefix give how many devices, e.g. count: 4");
        }
        long count = positive(group, "count", group.integer("count", 0), 10_000);
        String prefix = group.string("idPrefix", "device-");
        long first = group.integer("firstIndex", 0);
        if (first < 0) {
            throw group.error("firstIndex", "must not be negative, was " + first);
        }
        List<String> ids = new ArrayList<>();
        for (long i = first; i < first + count; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    private List<SensorSpec> sensors(List<YamlObject> sensors, long seed, String deviceId) {
        List<SensorSpec> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlObject s : sensors) {
            s.allowOnly("id", "kind", "fps", "skew", "skewSpread", "jitter");
            String id = s.string("id");
            if (!seen.add(id)) {
                throw s.error("id", "sensor id '" + id + "' appears twice on one device");
            }
            SensorKind kind = kind(s);
            double fps = s.number("fps", Double.NaN);
            if (!s.has("fps")) {
                throw s.error("fps", "missing; this field is required (frames per second, e.g. 10)");
            }
            if (!(fps > 0 && fps <= 1000)) {
                throw s.error("fps", "must be > 0 and at most 1000, was " + fps);
            }
            Duration skew = s.duration("skew", Duration.ZERO);
            Duration spread = s.duration("skewSpread", Duration.ZERO);
            Duration jitter = s.duration("jitter", Duration.ZERO);
            if (spread.isNegative()) {
                throw s.error("skewSpread", "must not be negative, was " + Durations.format(spread));
            }
            if (jitter.isNegative()) {
                throw s.error("jitter", "must not be negative, was " + Durations.format(jitter));
            }
            out.add(new SensorSpec(id, kind, fps, resolveSkew(seed, deviceId, id, skew, spread), jitter));
        }
        return out;
    }

    /** skew ± a uniform draw within spread, fixed per (seed, device, sensor) and rounded to microseconds. */
    static Duration resolveSkew(long seed, String deviceId, String sensorId, Duration skew, Duration spread) {
        if (spread.isZero()) {
            return skew;
        }
        Random random = new Random(Seeds.derive(Seeds.derive(Seeds.derive(seed, "skew"), deviceId), sensorId));
        double offsetMicros = (2 * random.nextDouble() - 1) * spread.toNanos() / 1000.0;
        return skew.plusNanos(Math.round(offsetMicros) * 1000);
    }

    private SensorKind kind(YamlObject s) {
        String text = s.string("kind");
        try {
            return SensorKind.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw s.error("kind", "unknown sensor kind '" + text + "'; use one of RGB, DEPTH, THERMAL");
        }
    }

    static Shape knownShape(YamlObject o, String key, String label) {
        return Shape.byLabel(label)
                .orElseThrow(() -> o.error(
                        key, "unknown shape '" + label + "'; known shapes: " + String.join(", ", Shape.labelNames())));
    }

    private static long positive(YamlObject o, String key, long value, long max) {
        if (value <= 0 || value > max) {
            throw o.error(key, "must be between 1 and " + max + ", was " + value);
        }
        return value;
    }
}
