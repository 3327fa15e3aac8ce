package dev.edgevl.distill.teacher;

import dev.edgevl.distill.labels.Prompts;
import dev.edgevl.model.clip.WordVocabulary;
import dev.edgevl.model.student.StudentSpec;
import java.util.ArrayList;
import java.util.List;

/** A real synthetic teacher, tiny and untrained, the same for a seed: embeddings that mean nothing but are the teacher's. */
public final class TestTeachers {
    public static final int IMAGE_SIZE = 32;
    public static final int DIM = 16;

    private TestTeachers() {
    }

    public static TeacherRecipe tinyRecipe() {
        return new TeacherRecipe(new StudentSpec(IMAGE_SIZE, 4, List.of(new StudentSpec.Block(8, 2)), DIM), 8, 8, 16);
    }

    public static SyntheticTeacher tiny(int seed) {
        List<String> texts = new ArrayList<>(Prompts.allPrompts());
        texts.add("a forklift in the warehouse");
        return SyntheticTeacher.untrained(tinyRecipe(), WordVocabulary.of(texts), seed);
    }
}
