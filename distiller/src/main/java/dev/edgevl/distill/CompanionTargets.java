package dev.edgevl.distill;

/**
 * How a self-target is made when its pair has a companion frame (the same moment seen by a sensor the student was
 * distilled on, e.g. depth): from the student's embedding of the RGB frame alone, of the companion alone, or of both.
 * Pure functions; the distiller takes the mean unless teacher pairs of the companion's modality from the uniform slice
 * of the stream (where the student's RGB and companion embeddings of one moment are both known) show one view alone
 * agreeing with the teacher more often.
 */
final class CompanionTargets {
    /** Which embeddings a target comes from. */
    enum Rule {
        /** The RGB frame's alone (what a pair without a companion always gets). */
        RGB,
        /** The mean of the RGB frame's and the companion's, at their mean length. */
        MEAN,
        /** The companion's alone. */
        COMPANION
    }

    private CompanionTargets() {}

    /** Pairs of evidence below which no test is made and the mean stays. */
    static final int MIN_EVIDENCE = 32;

    /**
     * The rule for a companion modality, from each rule's verdicts (whether its target's top-1 agrees with the teacher's)
     * on the same pairs. Two views of one moment make a better target than either alone unless one of them is bad, so
     * the mean, unless at least {@value #MIN_EVIDENCE} pairs <em>show</em> the RGB frame's or the companion's alone
     * agreeing with the teacher more often than the mean: the one-sided paired test of "no better" rejected at
     * {@code alpha}, as the gate's; if both are, the one that agrees more often (RGB on a tie). A lead of a few pairs is
     * noise: on 83 pairs RGB 0.614 against the mean's 0.578 is three pairs.
     */
    static Rule choose(boolean[] rgb, boolean[] mean, boolean[] companion, double alpha) {
        if (rgb.length < MIN_EVIDENCE) {
            return Rule.MEAN;
        }
        boolean rgbBetter = PairedAgreement.of(rgb, mean).pWorseBy(0) < alpha;
        boolean companionBetter = PairedAgreement.of(companion, mean).pWorseBy(0) < alpha;
        if (rgbBetter && companionBetter) {
            return Gate.rate(companion) > Gate.rate(rgb) ? Rule.COMPANION : Rule.RGB;
        }
        return rgbBetter ? Rule.RGB : companionBetter ? Rule.COMPANION : Rule.MEAN;
    }

    /** The target by {@code rule} from the student's embeddings of the RGB frame and of the companion. */
    static float[] target(Rule rule, float[] rgb, float[] companion) {
        if (rgb.length != companion.length) {
            throw new IllegalArgumentException(
                    "embeddings of " + rgb.length + " and " + companion.length + " dimensions cannot be combined");
        }
        return switch (rule) {
            case RGB -> rgb.clone();
            case COMPANION -> companion.clone();
            case MEAN -> mean(rgb, companion);
        };
    }

    /**
     * The mean direction of two embeddings at their mean length: a plain average of two embeddings that point apart is
     * shorter than either, and the student regresses its output to the target itself, not only to its direction.
     */
    static float[] mean(float[] a, float[] b) {
        float[] out = new float[a.length];
        double na = norm(a);
        double nb = norm(b);
        if (na == 0 || nb == 0) {
            return (na == 0 ? b : a).clone();
        }
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (a[i] / na + b[i] / nb);
        }
        double n = norm(out);
        if (n == 0) {
            return a.clone();
        }
        double scale = (na + nb) / 2 / n;
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (out[i] * scale);
        }
        return out;
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }
}
