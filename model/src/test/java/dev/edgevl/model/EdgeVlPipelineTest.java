package dev.edgevl.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.Modality;
import dev.edgevl.model.bundle.BundleException;
import dev.edgevl.model.bundle.BundleInput;
import dev.edgevl.model.bundle.BundleManifest;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.BundleWriter;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.model.bundle.SignedBundle;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.bundle.VerifiedBundle;
import dev.edgevl.model.onnx.Calibration;
import dev.edgevl.model.onnx.OnnxExporter;
import dev.edgevl.model.onnx.OnnxStudent;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.quant.ReferenceForward;
import dev.edgevl.model.student.StudentFolding;
import dev.edgevl.model.student.StudentNetwork;
import dev.edgevl.model.student.StudentSpec;
import dev.edgevl.model.train.DistillConfig;
import dev.edgevl.model.train.DistillationTrainer;
import dev.edgevl.model.train.LabelledPairBatch;
import dev.edgevl.model.train.PairBatch;
import dev.edgevl.model.train.QatConfig;
import dev.edgevl.model.train.QatTrainer;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The EdgeVL pipeline end to end on a toy world, in seconds: stage 1 → batch-norm folding →
 * calibration → stage 2 (QAT) → int8 ONNX → signed bundle → verification → ONNX Runtime. The bundle
 * that comes out must label held-out images as the fake-quantized training graph does (≥ 99% top-1),
 * and a tampered bundle must be refused.
 */
class EdgeVlPipelineTest {
    private static final int SIZE = 16;
    private static final int DIM = 8;
    private static final int CLASSES = 4;
    private static final float[][] TEACHER = new float[CLASSES][DIM];

    static {
        for (int c = 0; c < CLASSES; c++) {
            TEACHER[c][c] = 1f;
        }
    }

    private static LabelledPairBatch batch(Random r, int n) {
        int pixels = 3 * SIZE * SIZE;
        float[] rgb = new float[n * pixels];
        float[] aux = new float[n * pixels];
        float[][] teacher = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(CLASSES);
            labels[i] = c;
            teacher[i] = TEACHER[c];
            for (int p = 0; p < SIZE * SIZE; p++) {
                int y = p / SIZE;
                int x = p % SIZE;
                for (int ch = 0; ch < 3; ch++) {
                    rgb[i * pixels + ch * SIZE * SIZE + p] =
                            (ch == c % 3 ? 1.5f : -0.5f) + (c == 3 ? 0.8f : 0f) + 0.2f * (float) r.nextGaussian();
                    // the non-RGB view of class c: a ramp whose direction and slope are the class
                    float ramp = c % 2 == 0 ? y : x;
                    aux[i * pixels + ch * SIZE * SIZE + p] =
                            (c + 1) * ramp / (2f * SIZE) - 1f + 0.1f * (float) r.nextGaussian();
                }
            }
        }
        return new LabelledPairBatch(new PairBatch(n, SIZE, rgb, aux, teacher), labels);
    }

    @Test
    void theSignedInt8BundleLabelsAsTheTrainingGraphDoesAndATamperedOneIsRefused() throws Exception {
        StudentSpec spec =
                new StudentSpec(SIZE, 8, List.of(new StudentSpec.Block(16, 2), new StudentSpec.Block(32, 2)), DIM);
        Random random = new Random(21);
        FoldedStudent folded;
        try (DistillationTrainer stage1 =
                new DistillationTrainer(StudentNetwork.build(spec), SIZE, DistillConfig.defaults(60))) {
            for (int i = 0; i < 60; i++) {
                stage1.step(batch(random, 16).pairs());
            }
            folded = StudentFolding.fold(stage1.model().getBlock(), spec);
        }
        PairBatch calibration = batch(random, 32).pairs();
        float[] calibrationImages = concat(calibration.rgb(), calibration.aux());
        FoldedStudent calibrated = Calibration.calibrate(folded, calibrationImages, 64);

        FoldedStudent trained;
        try (QatTrainer stage2 = new QatTrainer(calibrated, QatConfig.defaults(30))) {
            for (int i = 0; i < 30; i++) {
                stage2.step(batch(random, 16));
            }
            trained = stage2.result();
        }

        byte[] onnx = OnnxExporter.exportInt8(trained);
        BundleManifest manifest = BundleManifest.builder()
                .family("student")
                .version(1)
                .createdAt(Instant.parse("2026-11-26T12:00:00Z"))
                .teacherId("toy-teacher")
                .embeddingDim(DIM)
                .input(BundleInput.of(SIZE, SIZE, 3, 0.5f, 0.25f, Modality.RGB, Modality.DEPTH))
                .quantization("int8 static QDQ, per-channel weights, per-tensor activations")
                .entry("model.onnx")
                .build();
        byte[] bundle = new BundleWriter().write(manifest, Map.of("model.onnx", onnx));
        KeyPair keys = Keys.generate();
        SignedBundle signed = BundleSigner.of(keys).sign(bundle);
        BundleVerifier verifier = new BundleVerifier(TrustedKeys.of(keys.getPublic()));
        VerifiedBundle verified =
                verifier.verify(signed.bytes(), signed.sha256Hex(), signed.signature(), signed.keyId());

        PairBatch heldOut = batch(new Random(1234), 200).pairs();
        try (OnnxStudent runtime = new OnnxStudent(verified.bundle().entryFile())) {
            float[][] deployed = runtime.embed(heldOut.aux(), 200);
            float[][] training = ReferenceForward.embed(trained, heldOut.aux(), 200, true);
            int agree = 0;
            for (int i = 0; i < 200; i++) {
                agree += nearest(deployed[i]) == nearest(training[i]) ? 1 : 0;
            }
            assertThat(agree)
                    .as("held-out non-RGB images labelled alike by the bundle and the training graph")
                    .isGreaterThanOrEqualTo(198);
        }

        byte[] tampered = signed.bytes().clone();
        tampered[tampered.length / 2] ^= 1;
        assertThatThrownBy(() -> verifier.verify(tampered, signed.sha256Hex(), signed.signature(), signed.keyId()))
                .isInstanceOf(BundleException.class);
        assertThatThrownBy(
                        () -> new BundleVerifier(TrustedKeys.of(Keys.generate().getPublic()))
                                .verify(signed.bytes(), signed.sha256Hex(), signed.signature(), signed.keyId()))
                .isInstanceOfSatisfying(BundleException.class, e -> assertThat(e.reason())
                        .isEqualTo(BundleException.Reason.UNKNOWN_KEY));
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int nearest(float[] e) {
        int best = 0;
        for (int c = 1; c < CLASSES; c++) {
            best = e[c] > e[best] ? c : best;
        }
        return best;
    }
}
