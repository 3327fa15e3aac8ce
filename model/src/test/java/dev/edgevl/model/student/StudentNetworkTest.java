package dev.edgevl.model.student;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

class StudentNetworkTest {
    @Test
    void theStandardStudentIsSmallAndEmbedsIntoTheTeachersSpaceUnitNorm() {
        StudentSpec spec = StudentSpec.standard(64, 128);
        assertThat(spec.parameterCount()).isBetween(300_000L, 2_000_000L);
        try (Model model = Model.newInstance("student");
                NDManager manager = NDManager.newBaseManager()) {
            Block net = StudentNetwork.build(spec);
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 64, 64));
            long counted = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (!p.getKey().contains("runningMean") && !p.getKey().contains("runningVar")) {
                    counted += p.getValue().getArray().size();
                }
            }
            assertThat(counted).as("parameters the network really has").isEqualTo(spec.parameterCount());

            NDArray images = manager.randomUniform(0f, 1f, new Shape(4, 3, 64, 64));
            NDArray out = net.forward(new ParameterStore(manager, false), new NDList(images), false)
                    .singletonOrThrow();
            assertThat(out.getShape()).isEqualTo(new Shape(4, 128));
            float[] norms = out.square().sum(new int[] {1}).sqrt().toFloatArray();
            for (float n : norms) {
                assertThat(n).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void aWidenedSpecKeepsTheLayoutAndTheEmbeddingSize() {
        StudentSpec spec = StudentSpec.standard(64, 128);
        StudentSpec wide = spec.widened(2);
        assertThat(wide.stemChannels()).isEqualTo(64);
        assertThat(wide.blocks())
                .extracting(StudentSpec.Block::stride)
                .isEqualTo(spec.blocks().stream().map(StudentSpec.Block::stride).toList());
        assertThat(wide.finalChannels()).isEqualTo(2 * spec.finalChannels());
        assertThat(wide.embeddingDim()).isEqualTo(128);
    }
}
