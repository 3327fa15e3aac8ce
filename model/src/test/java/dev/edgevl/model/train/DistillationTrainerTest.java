package dev.edgevl.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.model.student.StudentNetwork;
import dev.edgevl.model.student.StudentSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tiny end-to-end smoke run of stage 1: four "classes" of images whose RGB and non-RGB renderings look
 * different (colour vs a grey ramp), and a teacher that only sees the RGB. The student must learn to map
 * both to the teacher's embedding.
 */
class DistillationTrainerTest {
    private static final int SIZE = 16;
    private static final int DIM = 8;

    private static final float[][] TEACHER = new float[4][];

    static {
        Random r = new Random(1);
        for (int c = 0; c < 4; c++) {
            float[] v = new float[DIM];
            double norm = 0;
            for (int i = 0; i < DIM; i++) {
                v[i] = (float) r.nextGaussian();
                norm += v[i] * v[i];
            }
            for (int i = 0; i < DIM; i++) {
                v[i] /= (float) Math.sqrt(norm);
            }
            TEACHER[c] = v;
        }
    }

    private static PairBatch batch(Random random, int n) {
        int pixels = 3 * SIZE * SIZE;
        float[] rgb = new float[n * pixels];
        float[] aux = new float[n * pixels];
        float[][] teacher = new float[n][];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(4);
            teacher[i] = TEACHER[c];
            for (int p = 0; p < SIZE * SIZE; p++) {
                int y = p / SIZE;
                for (int ch = 0; ch < 3; ch++) {
                    rgb[i * pixels + ch * SIZE * SIZE + p] =
                            (ch == c % 3 ? 1f : 0f) + 0.1f * (float) random.nextGaussian();
                    // The "depth" of class c: a vertical ramp whose slope is the class; same in all channels.
                    aux[i * pixels + ch * SIZE * SIZE + p] =
                            (c + 1) * y / (4f * SIZE) + 0.05f * (float) random.nextGaussian();
                }
            }
        }
        return new PairBatch(n, SIZE, rgb, aux, teacher);
    }

    private static StudentSpec tinyStudent() {
        return new StudentSpec(SIZE, 8, List.of(new StudentSpec.Block(16, 2), new StudentSpec.Block(32, 2)), DIM);
    }

    @Test
    void bothModalitiesLearnTheTeachersEmbedding() {
        Random random = new Random(7);
        int steps = 150;
        DistillConfig config = new DistillConfig(5e-3f, 5e-5f, 0.01f, steps, DistillLoss.L1, 11);
        try (DistillationTrainer trainer = new DistillationTrainer(StudentNetwork.build(tinyStudent()), SIZE, config)) {
            float first = 0;
            float last = 0;
            for (int i = 0; i < steps; i++) {
                float loss = trainer.step(batch(random, 16));
                if (i < 5) {
                    first += loss / 5;
                } else if (i >= steps - 10) {
                    last += loss / 10;
                }
            }
            System.out.printf(
                    "stage-1 smoke: mean loss %.3f over the first 5 steps, %.3f over the last 10%n", first, last);
            assertThat(last).as("mean loss of the last 10 steps vs the first 5").isLessThan(first * 0.5f);

            PairBatch probe = batch(new Random(99), 8);
            float[][] rgb = trainer.embed(probe.rgb(), 8, SIZE);
            float[][] aux = trainer.embed(probe.aux(), 8, SIZE);
            int agree = 0;
            for (int i = 0; i < 8; i++) {
                agree += nearest(aux[i]) == nearest(probe.teacher()[i]) ? 1 : 0;
                assertThat(norm(rgb[i])).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-3f));
            }
            assertThat(agree)
                    .as("non-RGB images land nearest their pair's teacher embedding")
                    .isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void memoryStaysFlatAcrossSteps() {
        Random random = new Random(3);
        try (DistillationTrainer trainer =
                new DistillationTrainer(StudentNetwork.build(tinyStudent()), SIZE, DistillConfig.defaults(20))) {
            trainer.step(batch(random, 4));
            trainer.step(batch(random, 4));
            int before = trainer.liveArrays();
            for (int i = 0; i < 15; i++) {
                trainer.step(batch(random, 4));
            }
            assertThat(trainer.liveArrays())
                    .as("live NDArrays after 15 more steps")
                    .isEqualTo(before);
        }
    }

    @Test
    void aWarmStartContinuesFromSavedWeightsAndKeepsTraining() {
        Random random = new Random(5);
        PairBatch probe = batch(new Random(42), 4);
        byte[] saved;
        float[][] before;
        try (DistillationTrainer first =
                new DistillationTrainer(StudentNetwork.build(tinyStudent()), SIZE, DistillConfig.defaults(10))) {
            for (int i = 0; i < 10; i++) {
                first.step(batch(random, 8));
            }
            saved = first.weights();
            before = first.embed(probe.aux(), 4, SIZE);
        }
        DistillConfig otherSeed = new DistillConfig(2e-3f, 2e-5f, 0.05f, 10, DistillLoss.L1, 999);
        try (DistillationTrainer second =
                new DistillationTrainer(StudentNetwork.build(tinyStudent()), SIZE, otherSeed, saved)) {
            float[][] resumed = second.embed(probe.aux(), 4, SIZE);
            for (int i = 0; i < 4; i++) {
                assertThat(resumed[i])
                        .as("embedding %d after the warm start", i)
                        .containsExactly(before[i], org.assertj.core.data.Offset.offset(1e-6f));
            }
            second.step(batch(random, 8));
            assertThat(second.embed(probe.aux(), 1, SIZE)[0])
                    .as("the warm-started weights still train")
                    .isNotEqualTo(resumed[0]);
        }
        try (DistillationTrainer fresh =
                new DistillationTrainer(StudentNetwork.build(tinyStudent()), SIZE, otherSeed)) {
            assertThat(fresh.embed(probe.aux(), 1, SIZE)[0])
                    .as("a fresh start differs")
                    .isNotEqualTo(before[0]);
        }
    }

    @Test
    void frozenStatisticsLeaveTheBatchNormsRunningMeanAndVarianceAsLoaded() {
        Random random = new Random(8);
        byte[] saved = trainedFiveSteps(random);
        for (boolean frozen : new boolean[] {true, false}) {
            try (DistillationTrainer t = new DistillationTrainer(
                    StudentNetwork.build(tinyStudent(), frozen), SIZE, DistillConfig.defaults(5), saved)) {
                java.util.Map<String, float[]> before = runningStatistics(t);
                for (int i = 0; i < 5; i++) {
                    t.step(batch(random, 8));
                }
                java.util.Map<String, float[]> after = runningStatistics(t);
                assertThat(before).isNotEmpty();
                before.forEach((name, values) -> {
                    if (frozen) {
                        assertThat(after.get(name)).as(name).containsExactly(values);
                    }
                });
                if (!frozen) {
                    assertThat(before.keySet())
                            .as("learning statistics move")
                            .anySatisfy(name -> assertThat(after.get(name)).isNotEqualTo(before.get(name)));
                }
            }
        }
    }

    @Test
    void adaptingStatisticsMovesOnlyTheRunningStatisticsTowardsTheImagesGiven() {
        Random random = new Random(8);
        byte[] saved = trainedFiveSteps(random);
        // Images of another level than the training ones: their statistics differ.
        float[] other = batch(new Random(5), 32).aux().clone();
        for (int i = 0; i < other.length; i++) {
            other[i] = other[i] * 3 + 2;
        }
        try (DistillationTrainer t = new DistillationTrainer(
                StudentNetwork.build(tinyStudent(), false), SIZE, DistillConfig.defaults(1), saved)) {
            java.util.Map<String, float[]> before = runningStatistics(t);
            java.util.Map<String, float[]> weightsBefore = learnt(t);
            for (int pass = 0; pass < 10; pass++) {
                t.adaptStatistics(other, 32, SIZE, 8);
            }
            java.util.Map<String, float[]> after = runningStatistics(t);
            assertThat(before.keySet())
                    .as("every running statistic moved")
                    .allSatisfy(name -> assertThat(after.get(name)).isNotEqualTo(before.get(name)));
            learnt(t).forEach((name, values) -> assertThat(values).as(name).containsExactly(weightsBefore.get(name)));
            String firstMean = before.keySet().stream()
                    .filter(n -> n.contains("runningMean"))
                    .findFirst()
                    .orElseThrow();
            assertThat(after.get(firstMean)[0])
                    .as("the first layer's mean follows the brighter, wider images")
                    .isNotCloseTo(before.get(firstMean)[0], org.assertj.core.data.Offset.offset(1e-3f));
        }
    }

    /** The weights of a tiny student after five steps on batches from {@code random}. */
    private static byte[] trainedFiveSteps(Random random) {
        try (DistillationTrainer first =
                new DistillationTrainer(StudentNetwork.build(tinyStudent()), SIZE, DistillConfig.defaults(5))) {
            for (int i = 0; i < 5; i++) {
                first.step(batch(random, 8));
            }
            return first.weights();
        }
    }

    private static java.util.Map<String, float[]> learnt(DistillationTrainer t) {
        java.util.Map<String, float[]> out = new java.util.TreeMap<>();
        t.model().getBlock().getParameters().forEach(p -> {
            if (!p.getKey().contains("running")) {
                out.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
        });
        return out;
    }

    private static java.util.Map<String, float[]> runningStatistics(DistillationTrainer t) {
        java.util.Map<String, float[]> out = new java.util.TreeMap<>();
        t.model().getBlock().getParameters().forEach(p -> {
            if (p.getKey().contains("running")) {
                out.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
        });
        return out;
    }

    @Test
    void interpolationEndsBetweenTheStartAndTheTrainedWeights() {
        Random random = new Random(9);
        PairBatch probe = batch(new Random(43), 2);
        byte[] start;
        float[][] atStart;
        try (DistillationTrainer first =
                new DistillationTrainer(StudentNetwork.build(tinyStudent()), SIZE, DistillConfig.defaults(5))) {
            for (int i = 0; i < 5; i++) {
                first.step(batch(random, 8));
            }
            start = first.weights();
            atStart = first.embed(probe.aux(), 2, SIZE);
        }
        float[][][] ends = new float[3][][];
        float[] keeps = {0f, 0.5f, 1f};
        for (int k = 0; k < keeps.length; k++) {
            try (DistillationTrainer t = new DistillationTrainer(
                    StudentNetwork.build(tinyStudent(), true), SIZE, DistillConfig.defaults(5), start)) {
                Random same = new Random(10);
                for (int i = 0; i < 5; i++) {
                    t.step(batch(same, 8));
                }
                t.interpolateTowards(start, keeps[k]);
                byte[] end = t.weights();
                try (DistillationTrainer reloaded = new DistillationTrainer(
                        StudentNetwork.build(tinyStudent()), SIZE, DistillConfig.defaults(1), end)) {
                    ends[k] = reloaded.embed(probe.aux(), 2, SIZE);
                }
                if (keeps[k] < 1) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.embed(probe.aux(), 2, SIZE))
                            .isInstanceOf(IllegalStateException.class);
                }
            }
        }
        assertThat(ends[0][0])
                .as("keep 0: back at the start")
                .containsExactly(atStart[0], org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(distance(ends[2][0], atStart[0])).as("training moved it").isGreaterThan(1e-3);
        double half = distance(ends[1][0], atStart[0]);
        assertThat(half).as("keep 0.5 lands between").isGreaterThan(0).isLessThan(distance(ends[2][0], atStart[0]));
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    @Test
    void weightsOfAnotherArchitectureAreRefused() {
        byte[] saved;
        try (DistillationTrainer first =
                new DistillationTrainer(StudentNetwork.build(tinyStudent()), SIZE, DistillConfig.defaults(1))) {
            saved = first.weights();
        }
        StudentSpec wider = tinyStudent().widened(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new DistillationTrainer(StudentNetwork.build(wider), SIZE, DistillConfig.defaults(1), saved))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not fit");
    }

    @Test
    void lossesAgreeOnWhatIsClose() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            var a = m.create(new float[][] {{1f, 0f}});
            var b = m.create(new float[][] {{0f, 1f}});
            assertThat(DistillLoss.L1.of(a, a).getFloat()).isZero();
            assertThat(DistillLoss.L1.of(a, b).getFloat()).isEqualTo(2f);
            assertThat(DistillLoss.COSINE.of(a, b).getFloat()).isEqualTo(1f);
            assertThat(DistillLoss.MSE.of(a, b).getFloat()).isEqualTo(2f);
        }
    }

    private static int nearest(float[] v) {
        int best = 0;
        double bestSim = -2;
        for (int c = 0; c < 4; c++) {
            double s = 0;
            for (int i = 0; i < DIM; i++) {
                s += v[i] * TEACHER[c][i];
            }
            if (s > bestSim) {
                bestSim = s;
                best = c;
            }
        }
        return best;
    }

    private static float norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return (float) Math.sqrt(s);
    }
}
