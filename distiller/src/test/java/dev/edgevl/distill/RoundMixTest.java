package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RoundMixTest {
    private static ReplayBuffer.Sample sample(TeacherEmbedding r) {
        return ReplayBuffer.Sample.of(
                r.getPair().getDeviceId() + "/" + r.getPair().getAux().getSequence(), r, 0, ReplayBuffer.Slice.TRAIN);
    }

    private static LabelSet labels() {
        LabelSet set = LabelSet.empty();
        for (int c = 0; c < TestSamples.LABELS.size(); c++) {
            var l = TestSamples.label(c);
            set = set.with(l.getLabel(), dev.edgevl.model.zeroshot.Embeddings.unboxed(l.getEmbedding()));
        }
        return set;
    }

    @Test
    void aRareLabelAndARareModalityAreRepeatedUpToTheMinimumAndNothingElseChanges() {
        List<ReplayBuffer.Sample> samples = new ArrayList<>();
        // 60 depth pairs of labels 0..2, then 5 thermal pairs of label 3
        TestSamples.stream("cam-0", 0, 60, i -> i % 3).forEach(r -> samples.add(sample(r)));
        TestSamples.stream("cam-1", 60, 65, i -> 3).stream()
                .map(TestSamples::thermal)
                .forEach(r -> samples.add(sample(r)));
        Map<String, Integer> added = new TreeMap<>();
        List<ReplayBuffer.Sample> mixed = RoundMix.toppedUp(samples, labels(), 12, 16, new Random(1), added);

        assertThat(mixed.subList(0, samples.size())).isEqualTo(samples);
        Map<String, Long> byLabel = mixed.stream()
                .collect(Collectors.groupingBy(
                        s -> ZeroShotClassifier.classify(s.teacher(), labels(), 1)
                                .top1()
                                .label(),
                        Collectors.counting()));
        Map<Modality, Long> byModality = mixed.stream()
                .collect(
                        Collectors.groupingBy(s -> s.record().getPair().getAux().getModality(), Collectors.counting()));
        assertThat(byLabel.get(TestSamples.LABELS.get(3)))
                .as("label 3 topped up to 12, then thermal to 16")
                .isEqualTo(16);
        assertThat(byModality).containsEntry(Modality.THERMAL, 16L).containsEntry(Modality.DEPTH, 60L);
        assertThat(added).containsEntry("label " + TestSamples.LABELS.get(3), 7).containsEntry("THERMAL", 4);
        assertThat(mixed.subList(samples.size(), mixed.size()))
                .as("repeats are the group's own samples")
                .allSatisfy(s ->
                        assertThat(s.record().getPair().getAux().getModality()).isEqualTo(Modality.THERMAL));
    }

    @Test
    void nothingIsAddedWhenEveryGroupHasTheMinimumOrTheMinimumIsZero() {
        List<ReplayBuffer.Sample> samples = new ArrayList<>();
        TestSamples.stream("cam-0", 0, 40, i -> i % 4).forEach(r -> samples.add(sample(r)));
        Map<String, Integer> added = new TreeMap<>();
        assertThat(RoundMix.toppedUp(samples, labels(), 10, 40, new Random(1), added))
                .isEqualTo(samples);
        assertThat(RoundMix.toppedUp(samples, labels(), 0, 0, new Random(1), added))
                .isEqualTo(samples);
        assertThat(added).isEmpty();
    }
}
