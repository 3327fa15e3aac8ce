package dev.edgevl.distill;

import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides whether a candidate replaces the live version. The measure is EdgeVL's: on pairs the trainer never saw, how
 * often the student's zero-shot top-1 on the non-RGB image agrees with the teacher's top-1 on the RGB image. The
 * teacher is the only judge there is without labels; ground truth never enters.
 *
 * <p>The candidate is compared pair by pair with each version it must not fall behind (the live one and version 0, the
 * shipped student) on the same pairs: the anchor pairs shipped with the initial student and the buffer's held-out
 * slice. It is promoted only when, against every one of them,
 *
 * <ul>
 *   <li>a paired test shows it is <b>not worse by the margin</b> or more over all pairs (the p-value of "worse by
 *       {@code margin} or more" below {@code alpha}), and
 *   <li>in no group of pairs (each non-RGB modality of the stream, the anchor pairs) with at least
 *       {@code minPerGroup} pairs is it <b>shown worse</b> (the p-value of "at least as good" below {@code alpha}).
 * </ul>
 *
 * Below {@code minPairs} pairs the gate refuses to judge and keeps the live version. Why that many: a candidate exactly
 * as good as the other, with a share {@code q} of discordant pairs, passes the non-inferiority test only when
 * {@code n ≥ (z₁₋α)² · q / margin²}; with α 0.1, margin 0.03 and the 10–12% discordance a round's candidates show,
 * that is about 200 pairs. Fewer, and even a good candidate is a coin toss.
 *
 * @param margin how much lower a candidate's agreement may be and still count as not worse (a share, e.g. 0.03)
 * @param alpha the tests' level
 * @param minPairs pairs the gate needs to judge at all
 * @param minPerGroup pairs a group needs for its own test; smaller groups are reported, not tested
 */
public record Gate(double margin, double alpha, int minPairs, int minPerGroup) {

    /**
     * The candidate against one other version on the gate's pairs.
     *
     * @param against what it was compared with, e.g. "live v3" or "v0"
     * @param key its name in the metrics, e.g. {@code vsLive}
     * @param all over all pairs
     * @param groups per group of pairs (DEPTH, THERMAL, ANCHOR), in a fixed order
     * @param uniform per group, its pairs drawn uniformly from what the fleet saw — the anchor pairs, and a modality's
     *     exploration picks, not the frames the router sent because a student was unsure of them: the only ones whose
     *     agreement says how a version does on the stream as a whole
     */
    public record Comparison(
            String against,
            String key,
            PairedAgreement all,
            Map<String, PairedAgreement> groups,
            Map<String, PairedAgreement> uniform) {
        public Comparison {
            groups = Collections.unmodifiableMap(new TreeMap<>(groups));
            uniform = Collections.unmodifiableMap(new TreeMap<>(uniform));
        }

        /** As {@link #of(String, String, boolean[], boolean[], String[], boolean[])}, every pair drawn uniformly. */
        public static Comparison of(String against, String key, boolean[] candidate, boolean[] other, String[] group) {
            boolean[] everyPair = new boolean[group.length];
            Arrays.fill(everyPair, true);
            return of(against, key, candidate, other, group, everyPair);
        }

        /**
         * @param candidate per pair, whether the candidate agrees with the teacher
         * @param other the same for the version it is compared with
         * @param group per pair, the group it belongs to
         * @param uniform per pair, whether it was drawn uniformly from the stream (see {@link #uniform()})
         */
        public static Comparison of(
                String against, String key, boolean[] candidate, boolean[] other, String[] group, boolean[] uniform) {
            Map<String, PairedAgreement> groups = new LinkedHashMap<>();
            Map<String, PairedAgreement> uniformGroups = new LinkedHashMap<>();
            for (Map.Entry<String, List<Integer>> rows : rows(group).entrySet()) {
                List<Integer> idx = rows.getValue();
                groups.put(rows.getKey(), agreement(candidate, other, idx));
                uniformGroups.put(
                        rows.getKey(),
                        agreement(
                                candidate,
                                other,
                                idx.stream().filter(i -> uniform[i]).toList()));
            }
            return new Comparison(against, key, PairedAgreement.of(candidate, other), groups, uniformGroups);
        }

        private static Map<String, List<Integer>> rows(String[] group) {
            Map<String, List<Integer>> rows = new TreeMap<>();
            for (int i = 0; i < group.length; i++) {
                rows.computeIfAbsent(group[i], k -> new ArrayList<>()).add(i);
            }
            return rows;
        }

        private static PairedAgreement agreement(boolean[] candidate, boolean[] other, List<Integer> idx) {
            boolean[] c = new boolean[idx.size()];
            boolean[] o = new boolean[idx.size()];
            for (int k = 0; k < idx.size(); k++) {
                c[k] = candidate[idx.get(k)];
                o[k] = other[idx.get(k)];
            }
            return PairedAgreement.of(c, o);
        }
    }

    /**
     * The gate's decision and the figures behind it.
     *
     * @param candidate the candidate's non-RGB agreement over the gate's pairs
     * @param candidateRgb its RGB agreement on the same pairs
     * @param live the live version's agreement on the same pairs; NaN when there is none
     * @param pairs pairs judged on
     */
    public record Verdict(
            boolean promote,
            double candidate,
            double candidateRgb,
            double live,
            int pairs,
            List<Comparison> comparisons,
            String reason) {
        public Verdict {
            comparisons = List.copyOf(comparisons);
        }

        /** The same figures, not promoted, for this reason (added to the gate's own). */
        public Verdict rejected(String why) {
            return new Verdict(false, candidate, candidateRgb, live, pairs, comparisons, reason + "; rejected: " + why);
        }

        /** As {@code gate.*} metrics of the version's manifest and {@code models} record. */
        public Map<String, Double> metrics(Gate gate) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("gate.nonRgbAgreement", candidate);
            m.put("gate.rgbAgreement", candidateRgb);
            if (!Double.isNaN(live)) {
                m.put("gate.liveNonRgbAgreement", live);
            }
            m.put("gate.pairs", (double) pairs);
            m.put("gate.margin", gate.margin());
            m.put("gate.alpha", gate.alpha());
            m.put("gate.minPairs", (double) gate.minPairs());
            m.put("gate.promoted", promote ? 1.0 : 0.0);
            for (Comparison c : comparisons) {
                String p = "gate." + c.key();
                m.put(p + ".pairs", (double) c.all().n());
                m.put(p + ".candidate", c.all().candidateRate());
                m.put(p + ".other", c.all().otherRate());
                m.put(p + ".candidateOnly", (double) c.all().candidateOnly());
                m.put(p + ".otherOnly", (double) c.all().otherOnly());
                m.put(p + ".pWorseByMargin", c.all().pWorseBy(gate.margin()));
                c.groups().forEach((group, g) -> {
                    m.put(p + "." + group + ".pairs", (double) g.n());
                    m.put(p + "." + group + ".candidate", g.candidateRate());
                    m.put(p + "." + group + ".other", g.otherRate());
                    m.put(p + "." + group + ".pAtLeastAsGood", g.pAtLeastAsGood());
                });
                c.uniform().forEach((group, g) -> {
                    m.put(p + "." + group + ".uniformPairs", (double) g.n());
                    m.put(p + "." + group + ".uniformCandidate", g.candidateRate());
                    m.put(p + "." + group + ".uniformOther", g.otherRate());
                });
            }
            return m;
        }
    }

    public Gate {
        if (!(margin >= 0 && margin < 1) || !(alpha > 0 && alpha < 1) || minPairs < 1 || minPerGroup < 1) {
            throw new IllegalArgumentException(
                    "the gate needs a margin in [0, 1), a level in (0, 1) and at least one pair");
        }
    }

    public static Gate of(DistillerConfig config) {
        return config.gate();
    }

    /**
     * @param candidate the candidate's non-RGB agreement over all the gate's pairs
     * @param candidateRgb its RGB agreement over them
     * @param comparisons against each version it must not fall behind; empty for the first version
     */
    public Verdict decide(double candidate, double candidateRgb, int pairs, List<Comparison> comparisons) {
        double live =
                comparisons.isEmpty() ? Double.NaN : comparisons.get(0).all().otherRate();
        if (comparisons.isEmpty()) {
            return new Verdict(
                    true,
                    candidate,
                    candidateRgb,
                    live,
                    pairs,
                    comparisons,
                    String.format(
                            "first version: nothing to compare with (non-RGB agreement %.3f on %d pairs)",
                            candidate, pairs));
        }
        if (pairs < minPairs) {
            return new Verdict(
                    false,
                    candidate,
                    candidateRgb,
                    live,
                    pairs,
                    comparisons,
                    "only " + pairs + " pairs to judge on; the gate needs " + minPairs + " to tell a "
                            + Math.round(margin * 100) + "-point loss from chance, so it does not judge");
        }
        List<String> failures = new ArrayList<>();
        List<String> figures = new ArrayList<>();
        for (Comparison c : comparisons) {
            double p = c.all().pWorseBy(margin);
            List<String> byGroup = new ArrayList<>();
            c.groups()
                    .forEach((group, g) ->
                            byGroup.add(String.format("%s %.3f/%.3f", group, g.candidateRate(), g.otherRate())));
            figures.add(String.format(
                    "%.3f vs %s %.3f (p %.3f; %s)",
                    c.all().candidateRate(), c.against(), c.all().otherRate(), p, String.join(", ", byGroup)));
            if (p >= alpha) {
                failures.add(String.format(
                        "not shown within %.0f points of %s (p %.3f ≥ %.2f)", margin * 100, c.against(), p, alpha));
            }
            c.groups().forEach((group, g) -> {
                if (g.n() >= minPerGroup && g.pAtLeastAsGood() < alpha) {
                    failures.add(String.format(
                            "worse than %s on %s (%.3f vs %.3f on %d pairs, p %.3f)",
                            c.against(), group, g.candidateRate(), g.otherRate(), g.n(), g.pAtLeastAsGood()));
                }
            });
        }
        boolean promote = failures.isEmpty();
        return new Verdict(
                promote,
                candidate,
                candidateRgb,
                live,
                pairs,
                comparisons,
                String.format(
                        "non-RGB agreement %s on %d pairs: %s",
                        String.join(", ", figures),
                        pairs,
                        promote ? "promoted" : "rejected: " + String.join("; ", failures)));
    }

    /**
     * Share of rows where the student's top-1 over {@code labels} equals the teacher's.
     *
     * @param student the student's embeddings of the held-out images
     * @param teacher the teacher's embeddings of the same pairs (of their RGB images)
     */
    public static double agreement(float[][] student, float[][] teacher, LabelSet labels) {
        return rate(agrees(student, teacher, labels));
    }

    /** The mean top-1 probability of the student's embeddings over {@code labels}: a label-free confidence (0 without labels). */
    public static double meanConfidence(float[][] student, LabelSet labels) {
        if (labels.isEmpty() || student.length == 0) {
            return 0;
        }
        double sum = 0;
        for (float[] row : student) {
            sum += ZeroShotClassifier.classify(row, labels, 1).top1().probability();
        }
        return sum / student.length;
    }

    /** Share of true verdicts; 0 for none. */
    public static double rate(boolean[] verdicts) {
        int agree = 0;
        for (boolean a : verdicts) {
            agree += a ? 1 : 0;
        }
        return verdicts.length == 0 ? 0 : (double) agree / verdicts.length;
    }

    /** Per row, whether the student's top-1 over {@code labels} equals the teacher's (all false without labels). */
    public static boolean[] agrees(float[][] student, float[][] teacher, LabelSet labels) {
        if (student.length != teacher.length) {
            throw new IllegalArgumentException(
                    student.length + " student rows but " + teacher.length + " teacher rows");
        }
        boolean[] out = new boolean[student.length];
        if (labels.isEmpty()) {
            return out;
        }
        for (int i = 0; i < student.length; i++) {
            String s = ZeroShotClassifier.classify(student[i], labels, 1).top1().label();
            String t = ZeroShotClassifier.classify(teacher[i], labels, 1).top1().label();
            out[i] = s.equals(t);
        }
        return out;
    }
}
