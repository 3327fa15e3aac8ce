package dev.edgevl.teacher.labels;

import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.model.zeroshot.LabelEncoder;
import dev.edgevl.model.zeroshot.Prompts;
import java.time.Instant;
import java.util.List;

/** The teacher service's {@code labels.embedded} record for a label: its prompts embedded by the teacher's text tower. */
public final class LabelRecords {
    private LabelRecords() {}

    /** @param given the label's prompt templates; empty for the defaults */
    public static LabelEmbedding embedded(TeacherModel teacher, String label, List<String> given, Instant now) {
        List<String> templates = given.isEmpty() ? Prompts.DEFAULT_TEMPLATES : List.copyOf(given);
        return LabelEmbedding.newBuilder()
                .setLabel(label)
                .setTeacherId(teacher.id())
                .setEmbedding(Embeddings.boxed(LabelEncoder.embed(teacher, label, templates)))
                .setPromptTemplates(templates)
                .setEmbeddedTime(now)
                .build();
    }
}
