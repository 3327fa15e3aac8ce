package dev.edgevl.sim.scenario;

import dev.edgevl.sim.world.WorldConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A scripted fleet: which devices carry which sensors at what rates, what the world looks like, and
 * when drift happens. Loaded from YAML ({@link #load}, {@link #fromResource}); everything in it is
 * resolved and deterministic for the seed, so two runs of a scenario see the same world.
 *
 * @param sceneDuration how long a device keeps one scene before the next
 * @param drift the drift events, in the order they start
 */
public record Scenario(
        String name,
        long seed,
        WorldConfig world,
        Duration sceneDuration,
        List<DeviceSpec> devices,
        List<DriftEvent> drift) {

    /** The scenarios shipped on the classpath under {@code /scenarios/}. */
    public static final List<String> SHIPPED = List.of("default", "drift", "mixed-fleet");

    public Scenario {
        devices = List.copyOf(devices);
        // a stable sort: events that start together apply in file order
        drift = drift.stream()
                .sorted(Comparator.comparing(e -> e.window().at()))
                .toList();
        if (sceneDuration.isNegative() || sceneDuration.isZero()) {
            throw new IllegalArgumentException("scene duration must be longer than 0, was " + sceneDuration);
        }
    }

    /**
     * The same world with {@code count} devices: the first {@code count} when there are more, and when there are fewer,
     * more devices with the sensors of the existing ones in turn, named {@code dev-<n>} with the lowest numbers not in use.
     */
    public Scenario withDevices(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a fleet needs at least one device, not " + count);
        }
        if (count <= devices.size()) {
            return new Scenario(name, seed, world, sceneDuration, devices.subList(0, count), drift);
        }
        Set<String> taken = new HashSet<>();
        devices.forEach(d -> taken.add(d.id()));
        List<DeviceSpec> more = new ArrayList<>(devices);
        int n = 0;
        while (more.size() < count) {
            String id = "dev-" + n++;
            if (taken.add(id)) {
                more.add(new DeviceSpec(
                        id, devices.get(more.size() % devices.size()).sensors()));
            }
        }
        return new Scenario(name, seed, world, sceneDuration, more, drift);
    }

    /** The same fleet and drift in another world: another seed draws other scenes, noise and sensor clocks. */
    public Scenario withSeed(long newSeed) {
        return new Scenario(name, newSeed, world, sceneDuration, devices, drift);
    }

    /** Reads a scenario file; a bad file gives an IllegalArgumentException naming the file and field. */
    public static Scenario load(Path yamlFile) {
        String text;
        try {
            text = Files.readString(yamlFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(yamlFile + ": no such scenario file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read scenario " + yamlFile + ": " + e.getMessage(), e);
        }
        return parse(yamlFile.toString(), text);
    }

    /** A shipped scenario by name ("default", "drift", "mixed-fleet"), from {@code /scenarios/<name>.yaml}. */
    public static Scenario fromResource(String name) {
        String resource = "/scenarios/" + name + ".yaml";
        try (InputStream in = Scenario.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "no shipped scenario '" + name + "'; shipped: " + SHIPPED + " (or give a file path)");
            }
            return parse("classpath:" + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource + ": " + e.getMessage(), e);
        }
    }

    /** Parses scenario YAML; {@code source} names it in error messages. */
    public static Scenario parse(String source, String yaml) {
        return new ScenarioParser(source).parse(yaml);
    }

    public Optional<DeviceSpec> device(String deviceId) {
        return devices.stream().filter(d -> d.id().equals(deviceId)).findFirst();
    }

    /** The drift effects in force for a device at a time since the scenario started. */
    public Conditions conditionsAt(String deviceId, Duration sinceStart) {
        if (device(deviceId).isEmpty()) {
            throw new IllegalArgumentException("scenario '" + name + "' has no device '" + deviceId + "'");
        }
        DriftEvent.Builder builder = new DriftEvent.Builder(world.classMix());
        for (DriftEvent event : drift) {
            if (event.window().covers(deviceId, sinceStart)) {
                event.apply(builder);
                builder.effects.add(event.type());
            }
        }
        return builder.build();
    }
}
