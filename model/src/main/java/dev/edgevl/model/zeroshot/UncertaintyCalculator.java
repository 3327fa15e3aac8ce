package dev.edgevl.model.zeroshot;

/** Uncertainty of a zero-shot classification; pure functions of the probabilities. */
public final class UncertaintyCalculator {

    private UncertaintyCalculator() {}

    /** For a frame without an RGB partner. */
    public static Uncertainty of(Classification aux) {
        return of(aux, null);
    }

    /**
     * @param aux the non-RGB frame's classification
     * @param rgb the RGB frame's classification over the same label set, or null without an RGB frame
     */
    public static Uncertainty of(Classification aux, Classification rgb) {
        double[] p = aux.probabilitiesView();
        return new Uncertainty(margin(p), normalizedEntropy(p), modalityDisagreement(aux, rgb));
    }

    /** {@code p1 - p2} of the two largest probabilities; 1 for a single label, which cannot be confused. */
    public static double margin(double[] probabilities) {
        requireSome(probabilities);
        if (probabilities.length == 1) {
            return 1;
        }
        double first = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (double p : probabilities) {
            if (p > first) {
                second = first;
                first = p;
            } else if (p > second) {
                second = p;
            }
        }
        return first - second;
    }

    /**
     * {@code H(p) / log(n)}, 0 for a certain answer, 1 for a uniform one; 0 for a single label.
     * Dividing by the maximum makes one threshold mean the same for 5 labels and for 500.
     */
    public static double normalizedEntropy(double[] probabilities) {
        requireSome(probabilities);
        if (probabilities.length == 1) {
            return 0;
        }
        double h = 0;
        for (double p : probabilities) {
            if (p > 0) {
                h -= p * Math.log(p);
            }
        }
        return Math.max(0, Math.min(1, h / Math.log(probabilities.length)));
    }

    /** Different top-1 labels; null when there is no RGB classification to compare with. */
    public static Boolean modalityDisagreement(Classification aux, Classification rgb) {
        if (rgb == null) {
            return null;
        }
        return !aux.top1().label().equals(rgb.top1().label());
    }

    private static void requireSome(double[] probabilities) {
        if (probabilities.length == 0) {
            throw new IllegalArgumentException("Uncertainty needs at least one label's probability.");
        }
    }
}
