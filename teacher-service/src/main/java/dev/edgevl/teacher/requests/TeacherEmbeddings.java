package dev.edgevl.teacher.requests;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.model.zeroshot.Embeddings;
import java.time.Instant;

/** The teacher service's answer to a request: the pair, the teacher's embedding of its RGB frame, and why it was asked. */
public final class TeacherEmbeddings {
    private TeacherEmbeddings() {}

    /**
     * @param embedding the teacher's embedding of the request's RGB frame
     * @param now when it was embedded
     */
    public static TeacherEmbedding of(TeacherRequest request, String teacherId, float[] embedding, Instant now) {
        return TeacherEmbedding.newBuilder()
                .setPair(request.getPair())
                .setTeacherId(teacherId)
                .setSourceModality(Modality.RGB)
                .setEmbedding(Embeddings.boxed(embedding))
                .setReasons(request.getReasons())
                .setRequestTime(request.getRequestTime())
                .setEmbeddedTime(now)
                .build();
    }
}
