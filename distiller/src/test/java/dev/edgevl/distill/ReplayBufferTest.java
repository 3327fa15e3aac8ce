package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.model.zeroshot.LabelSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static LabelSet labels() {
        Map<String, float[]> m = new TreeMap<>();
        for (int c = 0; c < TestSamples.LABELS.size(); c++) {
            m.put(
                    TestSamples.LABELS.get(c),
                    Embeddings.unboxed(TestSamples.label(c).getEmbedding()));
        }
        return LabelSet.of(m);
    }

    private static ReplayBuffer labelled(int capacity, int heldOut, double fraction) {
        ReplayBuffer buffer = new ReplayBuffer(capacity, heldOut, fraction);
        buffer.relabel(labels(), TestSamples.TEACHER);
        return buffer;
    }

    /** 70% of pairs show class 0, the rest spread over 1..3. */
    private static List<TeacherEmbedding> skewed(int count) {
        Random r = new Random(5);
        return TestSamples.stream("cam-1", count, i -> r.nextDouble() < 0.7 ? 0 : 1 + r.nextInt(3));
    }

    @Test
    void eachPseudoLabelGetsAnEqualShareHoweverSkewedTheStream() {
        ReplayBuffer buffer = labelled(40, 400, 0.1);
        skewed(600).forEach(buffer::offer);
        Map<String, Integer> perLabel = buffer.perLabel(ReplayBuffer.Slice.TRAIN);
        assertThat(perLabel).containsOnlyKeys(TestSamples.LABELS);
        assertThat(perLabel.values()).as("per-label counts %s", perLabel).allSatisfy(n -> assertThat(n)
                .isEqualTo(10));
        assertThat(buffer.size(ReplayBuffer.Slice.TRAIN)).isEqualTo(40);
    }

    @Test
    void theHeldOutSliceIsDisjointFromTrainingAndAboutTheConfiguredShare() {
        ReplayBuffer buffer = labelled(10_000, 10_000, 0.2);
        List<TeacherEmbedding> all = skewed(1000);
        long heldOut = all.stream()
                .map(buffer::offer)
                .filter(o -> o == ReplayBuffer.Outcome.HELD_OUT)
                .count();
        assertThat(heldOut).as("held out of 1000 at 20%").isBetween(150L, 250L);
        ReplayBuffer.Snapshot snapshot = buffer.snapshot();
        Set<String> train = new HashSet<>();
        snapshot.train().forEach(s -> train.add(s.id()));
        assertThat(snapshot.heldOut()).allSatisfy(s -> assertThat(train).doesNotContain(s.id()));
        assertThat(snapshot.train().size() + snapshot.heldOut().size()).isEqualTo(1000);
        assertThat(snapshot.heldOut()).allSatisfy(s -> assertThat(s.slice()).isEqualTo(ReplayBuffer.Slice.HELD_OUT));
    }

    @Test
    void aReplayInAnotherOrderRebuildsTheSameBuffer() {
        List<TeacherEmbedding> stream = skewed(500);
        ReplayBuffer first = labelled(40, 20, 0.15);
        stream.forEach(first::offer);
        List<TeacherEmbedding> shuffled = new ArrayList<>(stream);
        Collections.shuffle(shuffled, new Random(9));
        ReplayBuffer second = labelled(40, 20, 0.15);
        shuffled.forEach(second::offer);
        assertThat(ids(second.snapshot().train()))
                .isEqualTo(ids(first.snapshot().train()));
        assertThat(ids(second.snapshot().heldOut()))
                .isEqualTo(ids(first.snapshot().heldOut()));
    }

    @Test
    void duplicatesPairsWithoutRgbAndOtherTeachersAreNotKept() {
        ReplayBuffer buffer = labelled(100, 100, 0.1);
        TeacherEmbedding one = TestSamples.sample("cam-1", 1, 0);
        assertThat(buffer.offer(one)).isIn(ReplayBuffer.Outcome.TRAINING, ReplayBuffer.Outcome.HELD_OUT);
        assertThat(buffer.offer(one)).isEqualTo(ReplayBuffer.Outcome.DUPLICATE);
        assertThat(buffer.offer(TestSamples.sample("cam-1", 2, 0, TestSamples.TEACHER, false)))
                .isEqualTo(ReplayBuffer.Outcome.NO_RGB);
        assertThat(buffer.offer(TestSamples.sample("cam-1", 3, 0, "another-teacher", true)))
                .isEqualTo(ReplayBuffer.Outcome.OTHER_TEACHER);
        assertThat(buffer.size(ReplayBuffer.Slice.TRAIN) + buffer.size(ReplayBuffer.Slice.HELD_OUT))
                .isEqualTo(1);
    }

    @Test
    void newLabelsRebalanceWhatIsKept() {
        ReplayBuffer buffer = new ReplayBuffer(40, 40, 0.1);
        skewed(400).forEach(buffer::offer);
        assertThat(buffer.perLabel(ReplayBuffer.Slice.TRAIN))
                .as("before any label: one bucket")
                .containsOnlyKeys("");
        assertThat(buffer.size(ReplayBuffer.Slice.TRAIN)).isEqualTo(40);
        buffer.relabel(labels(), TestSamples.TEACHER);
        Map<String, Integer> perLabel = buffer.perLabel(ReplayBuffer.Slice.TRAIN);
        assertThat(perLabel.values()).as("after labelling %s", perLabel).allSatisfy(n -> assertThat(n)
                .isLessThanOrEqualTo(10));
        assertThat(perLabel.get("cube"))
                .as("the dominant class was cut to its share")
                .isEqualTo(10);
    }

    @Test
    void countsTrainingPairsNewerThanAVersionsData() {
        ReplayBuffer buffer = labelled(1000, 1000, 0.1);
        skewed(100).forEach(buffer::offer);
        long cut = ReplayBuffer.micros(TestSamples.T0.plusMillis(49));
        long newer = buffer.snapshot().train().stream()
                .filter(s -> s.embeddedMicros() > cut)
                .count();
        assertThat(buffer.trainingNewerThan(cut)).isEqualTo((int) newer).isBetween(35, 50);
    }

    private static List<String> ids(List<ReplayBuffer.Sample> samples) {
        return samples.stream().map(ReplayBuffer.Sample::id).toList();
    }
}
