package dev.edgevl.model.teacher;

import dev.edgevl.model.clip.WordVocabulary;
import dev.edgevl.model.student.StudentSpec;
import dev.edgevl.model.zeroshot.Prompts;
import java.util.ArrayList;
import java.util.List;

/** A real synthetic teacher, tiny and untrained, the same for a seed: embeddings that mean nothing but are the teacher's. */
public final class TestTeachers {
    public static final int IMAGE_SIZE = 32;
    public static final int DIM = 16;
    /** The synthetic world's shapes (the model module does not see the simulator). */
    public static final List<String> SHAPES =
            List.of("cube", "sphere", "cylinder", "cone", "torus", "pyramid", "capsule", "ring", "prism", "ellipsoid");

    private TestTeachers() {}

    public static TeacherRecipe tinyRecipe() {
        return new TeacherRecipe(new StudentSpec(IMAGE_SIZE, 4, List.of(new StudentSpec.Block(8, 2)), DIM), 8, 8, 16);
    }

    public static SyntheticTeacher tiny(int seed) {
        List<String> texts = new ArrayList<>(Prompts.allPrompts(SHAPES));
        texts.add("a forklift in the warehouse");
        return SyntheticTeacher.untrained(tinyRecipe(), WordVocabulary.of(texts), seed);
    }
}
