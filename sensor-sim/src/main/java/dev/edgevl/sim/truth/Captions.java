package dev.edgevl.sim.truth;

import dev.edgevl.sim.world.Material;
import dev.edgevl.sim.world.Role;
import dev.edgevl.sim.world.Scene;
import dev.edgevl.sim.world.SceneObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Sentences about a scene. The canonical caption names everything ("a small glossy red cube beside a
 * large blue sphere"); variants drop colour, size and material words at random and vary the wording.
 *
 * <p>Why variants: a teacher trained only on full captions learns colour first (colour is the easiest
 * signal in the sentence) and is then asked "a photo of a cube" at inference, a sentence it never saw.
 * Training on variants keeps shape-only prompts in distribution and makes the shape word carry weight.
 */
public final class Captions {

    private static final double KEEP_SIZE = 0.6;
    private static final double KEEP_COLOUR = 0.6;
    private static final double KEEP_MATERIAL = 0.4;
    private static final double SHAPE_ONLY = 0.15;

    private Captions() {}

    /** The canonical caption: deterministic, every attribute named. */
    public static String caption(Scene scene) {
        SceneObject primary = scene.primary();
        Optional<SceneObject> distractor = distractor(scene);
        String p = phrase(primary, true, true, true);
        return distractor
                .map(d -> p + " beside " + phrase(d, true, true, false))
                .orElseGet(() -> p + " on a " + scene.environment().floorWords());
    }

    /** A caption drawn from {@code random}: varied wording, some attribute words dropped, shape always kept. */
    public static String variant(Scene scene, Random random) {
        SceneObject primary = scene.primary();
        if (random.nextDouble() < SHAPE_ONLY) {
            return pick(random, List.of("a photo of ", "a picture of ", ""))
                    + article(primary.shape().label());
        }
        String p = phrase(
                primary,
                random.nextDouble() < KEEP_SIZE,
                random.nextDouble() < KEEP_COLOUR,
                random.nextDouble() < KEEP_MATERIAL);
        List<String> forms = new ArrayList<>(List.of(
                p,
                "a photo of " + p,
                "a picture of " + p,
                p + " on a " + scene.environment().floorWords(),
                p + " on the floor",
                "there is " + p + " on the floor"));
        Optional<SceneObject> distractor = distractor(scene);
        if (distractor.isPresent()) {
            String d = phrase(distractor.get(), random.nextBoolean(), random.nextBoolean(), false);
            forms.add(p + " beside " + d);
            forms.add(p + " next to " + d);
        }
        return pick(random, forms);
    }

    /** Just the primary shape: "a photo of a cube", the prompt a zero-shot classifier uses. */
    public static String shapeOnly(Scene scene) {
        return prompt(scene.primary().shape().label());
    }

    /** The zero-shot prompt for a label. */
    public static String prompt(String label) {
        return "a photo of " + article(label);
    }

    /** "a small red cube", with the chosen words; the shape is always there. */
    public static String phrase(SceneObject o, boolean withSize, boolean withColour, boolean withMaterial) {
        StringBuilder words = new StringBuilder();
        if (withSize) {
            words.append(o.size().word()).append(' ');
        }
        if (withMaterial && o.material() == Material.GLOSSY) {
            words.append("glossy ");
        }
        if (withColour) {
            words.append(o.colour()).append(' ');
        }
        if (withMaterial && o.material() == Material.METAL) {
            words.append("metal ");
        }
        words.append(o.shape().label());
        return article(words.toString());
    }

    /** Prefixes "a" or "an" by the sound of the first letter, which is right for every word we use. */
    static String article(String words) {
        char first = words.isEmpty() ? 'x' : words.charAt(0);
        return ("aeiou".indexOf(first) >= 0 ? "an " : "a ") + words;
    }

    private static Optional<SceneObject> distractor(Scene scene) {
        return scene.objects().stream().filter(o -> o.role() == Role.DISTRACTOR).findFirst();
    }

    private static String pick(Random random, List<String> options) {
        return options.get(random.nextInt(options.size()));
    }
}
