package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.model.onnx.OnnxStudent;
import dev.edgevl.model.student.StudentNetwork;
import dev.edgevl.model.student.StudentSpec;
import dev.edgevl.model.teacher.CommittedTeacher;
import dev.edgevl.model.train.DistillConfig;
import dev.edgevl.model.train.DistillationTrainer;
import org.junit.jupiter.api.Test;

/** The initial student that ships must fit what a default distiller trains, from the teacher that ships. */
class InitialWeightsTest {

    @Test
    void theBuiltinWeightsFitTheDefaultStudentAndTheCommittedTeacher() {
        InitialWeights builtin = InitialWeights.load(InitialWeights.BUILTIN).orElseThrow();
        CommittedTeacher teacher = CommittedTeacher.find().orElseThrow();
        StudentSpec spec = DistillerConfig.defaults().round().student(128);
        assertThat(builtin.fits(spec, teacher.id()))
                .as(
                        "the shipped initial student (%s) no longer fits the default student or teacher; remake it with: %s --out %s",
                        builtin.provenance(),
                        builtin.provenance().get("command").replace(" --out DIR", ""),
                        InitialWeights.SOURCE_DIR)
                .isTrue();
        try (DistillationTrainer trainer = new DistillationTrainer(
                StudentNetwork.build(spec), spec.inputSize(), DistillConfig.defaults(1), builtin.weights())) {
            assertThat(trainer.weights())
                    .as("the weights load into the default student")
                    .isEqualTo(builtin.weights());
        }
        assertThat(builtin.hasInt8())
                .as("version 0, the int8 export, ships beside the weights (make it with --int8-only)")
                .isTrue();
        try (OnnxStudent int8 = new OnnxStudent(builtin.int8Onnx())) {
            float[][] e = int8.embed(new float[3 * 64 * 64], 1);
            assertThat(e[0]).hasSize(spec.embeddingDim());
        }
        assertThat(builtin.provenanceMetrics())
                .containsEntry("offline.initial", 1.0)
                .containsEntry("offline.pairs", 8000.0)
                .containsKey("offline.stage1.loss");
    }
}
