package dev.edgevl.distill;

import dev.edgevl.avro.Modality;
import dev.edgevl.model.train.Shuffle;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * What a round trains on beyond the buffer's slice: every teacher pseudo-label and every non-RGB modality the slice
 * holds at all gets at least a minimum of samples, its own repeated in a shuffled cycle when it has fewer (a shape that
 * has just appeared, a modality few devices carry), so no group is a rounding error of an epoch. Pure.
 */
final class RoundMix {
    private RoundMix() {}

    /**
     * @param minPerLabel samples each pseudo-label (the teacher's top-1 over {@code labels}) gets at least; 0 for none
     * @param minPerModality samples each non-RGB modality gets at least; 0 for none
     * @return the samples followed by the repeats, and how many repeats each group got in {@code added}
     */
    static List<ReplayBuffer.Sample> toppedUp(
            List<ReplayBuffer.Sample> samples,
            LabelSet labels,
            int minPerLabel,
            int minPerModality,
            Random random,
            Map<String, Integer> added) {
        List<ReplayBuffer.Sample> out = new ArrayList<>(samples);
        if (minPerLabel > 0 && !labels.isEmpty()) {
            topUp(
                    out,
                    s -> ZeroShotClassifier.classify(s.teacher(), labels, 1)
                            .top1()
                            .label(),
                    minPerLabel,
                    random,
                    added,
                    "label ");
        }
        if (minPerModality > 0) {
            topUp(out, s -> s.record().getPair().getAux().getModality().name(), minPerModality, random, added, "");
        }
        return out;
    }

    private static void topUp(
            List<ReplayBuffer.Sample> out,
            Function<ReplayBuffer.Sample, String> groupOf,
            int min,
            Random random,
            Map<String, Integer> added,
            String prefix) {
        Map<String, List<ReplayBuffer.Sample>> groups = new LinkedHashMap<>();
        for (ReplayBuffer.Sample s : out) {
            String g = groupOf.apply(s);
            if (!g.equals(Modality.RGB.name())) {
                groups.computeIfAbsent(g, k -> new ArrayList<>()).add(s);
            }
        }
        groups.forEach((name, members) -> {
            int missing = min - members.size();
            if (missing <= 0) {
                return;
            }
            int[] order = Shuffle.permutation(members.size(), random);
            for (int i = 0; i < missing; i++) {
                out.add(members.get(order[i % order.length]));
            }
            added.merge(prefix + name, missing, Integer::sum);
        });
    }
}
