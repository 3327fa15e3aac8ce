package dev.edgevl.model.zeroshot;

import dev.edgevl.model.teacher.TeacherModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A label's embedding, as CLIP builds a zero-shot classifier: the teacher's text embedding of each prompt
 * (a template filled with the label), each normalised, averaged, normalised again. The label service and
 * the offline evaluation both go through here, so a label means the same in both.
 */
public final class LabelEncoder {
    private LabelEncoder() {}

    /** The embedding of {@code label} from {@code templates} ({@code {}} where the label goes). */
    public static float[] embed(TeacherModel teacher, String label, List<String> templates) {
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("A label needs at least one prompt template.");
        }
        float[][] perPrompt = teacher.encodeTexts(Prompts.fill(templates, label));
        return Embeddings.averagePromptEmbeddings(new ArrayList<>(List.of(perPrompt)));
    }

    /** Every label from the default templates. */
    public static LabelSet labelSet(TeacherModel teacher, List<String> labels) {
        Map<String, float[]> embeddings = new LinkedHashMap<>();
        for (String label : labels) {
            embeddings.put(label, embed(teacher, label, Prompts.DEFAULT_TEMPLATES));
        }
        return LabelSet.of(embeddings);
    }
}
