package dev.edgevl.bench.offline;

import dev.edgevl.sim.truth.Captions;
import dev.edgevl.sim.world.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The zero-shot prompts: a few templates per shape, in the wording the captions use, so that every
 * prompt word is in the teacher's vocabulary and the prompts are in its training distribution.
 */
public final class Prompts {
    private static final String PHOTO = "a photo of ";

    private Prompts() {
    }

    public static List<String> labels() {
        return Shape.defaultMix();
    }

    /** "a photo of a cube", "a picture of a cube", "a cube", "there is a cube on the floor". */
    public static List<String> templates(String label) {
        String photo = Captions.prompt(label);
        String bare = photo.substring(PHOTO.length());
        return List.of(photo, "a picture of " + bare, bare, "there is " + bare + " on the floor");
    }

    static List<String> allPrompts() {
        List<String> all = new ArrayList<>();
        labels().forEach(l -> all.addAll(templates(l)));
        return all;
    }
}
