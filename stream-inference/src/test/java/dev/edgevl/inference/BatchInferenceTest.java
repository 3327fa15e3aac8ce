package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.zeroshot.LabelSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchInferenceTest {

    private static List<PendingFrame> batch(LiveModel model, int first, int count, boolean everyOtherWithoutRgb) {
        List<PendingFrame> out = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            boolean withRgb = !everyOtherWithoutRgb || i % 2 == 0;
            FramePair pair = TestWorld.pair("dev-" + (i % 3), i, withRgb);
            out.add(PendingFrame.prepare(pair.getDeviceId(), pair, model.spec(), 0L));
        }
        return out;
    }

    @Test
    void aBatchOnReusedArraysGivesWhatItGivesOnFreshOnes() throws Exception {
        try (LiveModel model = LiveModel.load(
                TestWorld.modelVersion(1, 5, TestWorld.PUBLISHER),
                new BundleVerifier(TrustedKeys.of(TestWorld.PUBLISHER.getPublic())),
                1)) {
            BatchInference.Scratch scratch = new BatchInference.Scratch();
            // A full batch first leaves its images in the arrays; the smaller one after it must not see them.
            BatchInference.run(batch(model, 0, 6, false), model, LabelSet.empty(), 3, 0.01, scratch);
            List<PendingFrame> small = batch(model, 100, 3, true);

            BatchInference.Outcome reused = BatchInference.run(small, model, LabelSet.empty(), 3, 0.01, scratch);
            BatchInference.Outcome fresh =
                    BatchInference.run(small, model, LabelSet.empty(), 3, 0.01, new BatchInference.Scratch());

            assertThat(reused.frames()).hasSize(3);
            for (int i = 0; i < 3; i++) {
                BatchInference.Scored a = reused.frames().get(i);
                BatchInference.Scored b = fresh.frames().get(i);
                assertThat(a.embedding()).containsExactly(b.embedding());
                if (b.rgbEmbedding() == null) {
                    assertThat(a.rgbEmbedding()).isNull();
                } else {
                    assertThat(a.rgbEmbedding()).containsExactly(b.rgbEmbedding());
                }
            }
            // ... and differ from the images before them: the second batch was really run on its own frames.
            BatchInference.Outcome first = BatchInference.run(
                    batch(model, 0, 1, false), model, LabelSet.empty(), 3, 0.01, new BatchInference.Scratch());
            assertThat(reused.frames().get(0).embedding())
                    .isNotEqualTo(first.frames().get(0).embedding());
        }
    }
}
