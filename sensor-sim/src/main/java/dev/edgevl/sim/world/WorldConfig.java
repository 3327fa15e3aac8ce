package dev.edgevl.sim.world;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What kind of scenes a world produces. The defaults are the "middle world" (sensor-sim/README.md): a distractor
 * half the time and a few clutter boxes, which is hard enough that no figure sits at 100% and easy
 * enough that a teacher trained on it holds up.
 *
 * @param classMix relative weight of each shape label; iteration order is kept, so sampling is stable
 * @param distractorProbability chance that a second, different shape stands beside the primary one
 * @param clutterMin fewest clutter boxes per scene
 * @param clutterMax most clutter boxes per scene
 */
public record WorldConfig(
        int width,
        int height,
        Map<String, Double> classMix,
        double distractorProbability,
        int clutterMin,
        int clutterMax) {

    public static final int DEFAULT_SIZE = 64;

    public WorldConfig {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, was " + width + "x" + height);
        }
        if (!(distractorProbability >= 0 && distractorProbability <= 1)) {
            throw new IllegalArgumentException(
                    "distractor probability must be in [0, 1], was " + distractorProbability);
        }
        if (clutterMin < 0 || clutterMax < clutterMin) {
            throw new IllegalArgumentException(
                    "clutter must be 0 <= min <= max, was " + clutterMin + ".." + clutterMax);
        }
        classMix = checkedMix(classMix);
    }

    public static WorldConfig defaults() {
        Map<String, Double> mix = new LinkedHashMap<>();
        Shape.defaultMix().forEach(label -> mix.put(label, 1.0));
        return new WorldConfig(DEFAULT_SIZE, DEFAULT_SIZE, mix, 0.5, 2, 4);
    }

    public WorldConfig withSize(int w, int h) {
        return new WorldConfig(w, h, classMix, distractorProbability, clutterMin, clutterMax);
    }

    public WorldConfig withClassMix(Map<String, Double> mix) {
        return new WorldConfig(width, height, mix, distractorProbability, clutterMin, clutterMax);
    }

    public WorldConfig withDistractorProbability(double p) {
        return new WorldConfig(width, height, classMix, p, clutterMin, clutterMax);
    }

    public WorldConfig withClutter(int min, int max) {
        return new WorldConfig(width, height, classMix, distractorProbability, min, max);
    }

    /** The mix with each of {@code labels} added (or re-weighted) at {@code weight}. */
    public WorldConfig withExtraClasses(List<String> labels, double weight) {
        Map<String, Double> mix = new LinkedHashMap<>(classMix);
        labels.forEach(label -> mix.put(label, weight));
        return withClassMix(mix);
    }

    private static Map<String, Double> checkedMix(Map<String, Double> mix) {
        if (mix == null || mix.isEmpty()) {
            throw new IllegalArgumentException("the class mix is empty: name at least one of " + Shape.labelNames());
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Double> e : mix.entrySet()) {
            Shape shape = Shape.byLabel(e.getKey())
                    .orElseThrow(() -> new IllegalArgumentException(
                            "unknown shape '" + e.getKey() + "'; known shapes: " + Shape.labelNames()));
            double w = e.getValue() == null ? Double.NaN : e.getValue();
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weight of '" + e.getKey() + "' must be a number >= 0, was " + w);
            }
            copy.put(shape.label(), w);
            total += w;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("the class mix weights add up to 0: give some shape a positive weight");
        }
        return Collections.unmodifiableMap(copy);
    }
}
