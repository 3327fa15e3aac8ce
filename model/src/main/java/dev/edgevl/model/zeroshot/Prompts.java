package dev.edgevl.model.zeroshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Prompt templates: texts with {@code {}} where the label goes. The defaults are worded as the synthetic
 * world's captions are, so every prompt word is in the synthetic teacher's vocabulary and the prompts
 * are in its training distribution; they read naturally for a real CLIP too.
 */
public final class Prompts {
    public static final String PLACEHOLDER = "{}";

    /** "a photo of a cube", "a picture of a cube", "a cube", "there is a cube on the floor". */
    public static final List<String> DEFAULT_TEMPLATES =
            List.of("a photo of a {}", "a picture of a {}", "a {}", "there is a {} on the floor");

    private Prompts() {}

    /** The default templates filled with {@code label}. */
    public static List<String> templates(String label) {
        return fill(DEFAULT_TEMPLATES, label);
    }

    public static List<String> fill(List<String> templates, String label) {
        return templates.stream().map(t -> fill(t, label)).toList();
    }

    /**
     * The template with the label in place of {@code {}}; "a {}" becomes "an {}" before a vowel ("an
     * ellipsoid"). A template without {@code {}} gets the label appended after a space.
     */
    public static String fill(String template, String label) {
        if (!template.contains(PLACEHOLDER)) {
            return template.strip() + " " + label;
        }
        boolean vowel = !label.isEmpty() && "aeiouAEIOU".indexOf(label.charAt(0)) >= 0;
        String text = template;
        if (vowel) {
            text = text.replace(" a " + PLACEHOLDER, " an " + PLACEHOLDER);
            if (text.startsWith("a " + PLACEHOLDER)) {
                text = "an " + text.substring(2);
            }
        }
        return text.replace(PLACEHOLDER, label);
    }

    /** Every default prompt of every label, e.g. for a text encoder's vocabulary. */
    public static List<String> allPrompts(List<String> labels) {
        List<String> all = new ArrayList<>();
        labels.forEach(l -> all.addAll(templates(l)));
        return all;
    }
}
