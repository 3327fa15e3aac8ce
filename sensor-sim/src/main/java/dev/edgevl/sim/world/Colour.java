package dev.edgevl.sim.world;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Object colours with their caption words. Albedos are linear and chosen to stay apart from each other
 * and from the floor (a grey between 0.06 and 0.30) under any of the world's lights: white is brighter
 * than the lightest floor, and every other colour is clearly saturated.
 */
public enum Colour {
    RED(0.72f, 0.05f, 0.04f),
    GREEN(0.07f, 0.50f, 0.09f),
    BLUE(0.05f, 0.12f, 0.72f),
    YELLOW(0.82f, 0.68f, 0.05f),
    ORANGE(0.88f, 0.28f, 0.02f),
    PURPLE(0.34f, 0.06f, 0.58f),
    CYAN(0.05f, 0.58f, 0.68f),
    WHITE(0.86f, 0.86f, 0.84f);

    private final LinearRgb albedo;

    Colour(float r, float g, float b) {
        this.albedo = new LinearRgb(r, g, b);
    }

    public LinearRgb albedo() {
        return albedo;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> words() {
        return Arrays.stream(values()).map(Colour::word).toList();
    }

    public static Optional<Colour> byWord(String word) {
        return Arrays.stream(values())
                .filter(c -> c.word().equals(word.trim().toLowerCase(Locale.ROOT)))
                .findFirst();
    }
}
