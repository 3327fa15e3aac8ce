package dev.edgevl.distill;

import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Decides whether a candidate replaces the live version. The measure is EdgeVL's: on held-out pairs the trainer never
 * saw, how often the student's zero-shot top-1 on the non-RGB image agrees with the teacher's top-1 on the RGB image.
 * The teacher is the only judge there is without labels; ground truth never enters.
 *
 * @param epsilon how much lower than the live version's agreement a candidate's may be and still be promoted
 * @param minHeldOut held-out pairs needed to judge a candidate against a live version
 */
public record Gate(double epsilon, int minHeldOut) {
    /**
     * The gate's decision and the figures behind it.
     *
     * @param live the live version's agreement on the same pairs; NaN when there is no live version
     */
    public record Verdict(
            boolean promote, double candidate, double candidateRgb, double live, int heldOut, String reason) {
        /** As {@code gate.*} metrics of the version's manifest and {@code models} record. */
        public Map<String, Double> metrics(double epsilon) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("gate.nonRgbAgreement", candidate);
            m.put("gate.rgbAgreement", candidateRgb);
            if (!Double.isNaN(live)) {
                m.put("gate.liveNonRgbAgreement", live);
            }
            m.put("gate.heldOut", (double) heldOut);
            m.put("gate.epsilon", epsilon);
            m.put("gate.promoted", promote ? 1.0 : 0.0);
            return m;
        }
    }

    public Gate {
        if (epsilon < 0 || minHeldOut < 1) {
            throw new IllegalArgumentException("the gate needs epsilon >= 0 and at least one held-out pair");
        }
    }

    public static Gate of(DistillerConfig config) {
        return new Gate(config.gateEpsilon(), config.gateMinHeldOut());
    }

    public Verdict decide(double candidate, double candidateRgb, OptionalDouble live, int heldOut) {
        if (live.isEmpty()) {
            return new Verdict(
                    true,
                    candidate,
                    candidateRgb,
                    Double.NaN,
                    heldOut,
                    String.format(
                            "first version: nothing live to compare with (non-RGB agreement %.3f on %d held-out pairs)",
                            candidate, heldOut));
        }
        double l = live.getAsDouble();
        if (heldOut < minHeldOut) {
            return new Verdict(
                    false,
                    candidate,
                    candidateRgb,
                    l,
                    heldOut,
                    "only " + heldOut + " held-out pairs; the gate needs " + minHeldOut + " to replace a live version");
        }
        boolean promote = candidate >= l - epsilon;
        return new Verdict(
                promote,
                candidate,
                candidateRgb,
                l,
                heldOut,
                String.format(
                        "non-RGB agreement %.3f vs live %.3f on %d held-out pairs" + " (epsilon %.3f): %s",
                        candidate, l, heldOut, epsilon, promote ? "promoted" : "rejected"));
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
