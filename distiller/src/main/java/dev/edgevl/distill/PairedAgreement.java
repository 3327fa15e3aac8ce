package dev.edgevl.distill;

/**
 * Two students judged on the same held-out pairs: on how many each agrees with the teacher, and on how many only one
 * does (the discordant pairs, the only ones that say which is better). Pure.
 *
 * @param candidateOnly pairs where the candidate agrees with the teacher and the other student does not
 * @param otherOnly pairs where the other student agrees and the candidate does not
 */
public record PairedAgreement(int n, int both, int candidateOnly, int otherOnly) {

    public PairedAgreement {
        if (n < 0 || both < 0 || candidateOnly < 0 || otherOnly < 0 || both + candidateOnly + otherOnly > n) {
            throw new IllegalArgumentException("inconsistent counts: n " + n + ", both " + both + ", candidate only "
                    + candidateOnly + ", other only " + otherOnly);
        }
    }

    public static PairedAgreement of(boolean[] candidate, boolean[] other) {
        if (candidate.length != other.length) {
            throw new IllegalArgumentException(
                    candidate.length + " candidate verdicts but " + other.length + " others");
        }
        int both = 0;
        int c = 0;
        int o = 0;
        for (int i = 0; i < candidate.length; i++) {
            both += candidate[i] && other[i] ? 1 : 0;
            c += candidate[i] && !other[i] ? 1 : 0;
            o += !candidate[i] && other[i] ? 1 : 0;
        }
        return new PairedAgreement(candidate.length, both, c, o);
    }

    public double candidateRate() {
        return n == 0 ? 0 : (double) (both + candidateOnly) / n;
    }

    public double otherRate() {
        return n == 0 ? 0 : (double) (both + otherOnly) / n;
    }

    /**
     * One-sided p-value of "the candidate is worse than the other by {@code margin} or more" (a paired, McNemar-type
     * test of non-inferiority on the difference of agreement rates, normal approximation): small means the candidate is
     * shown not to be that much worse. 1 when there is nothing to judge on.
     */
    public double pWorseBy(double margin) {
        if (n == 0) {
            return 1;
        }
        double d = (double) (candidateOnly - otherOnly) / n;
        double discordant = (double) (candidateOnly + otherOnly) / n;
        double variance = (discordant - d * d) / n;
        if (variance <= 0) {
            // No discordant pair: the two agree on every pair, so the difference is exactly 0.
            return margin > 0 ? 0 : 1;
        }
        double z = (d + margin) / Math.sqrt(variance);
        return 1 - normalCdf(z);
    }

    /**
     * One-sided p-value of "the candidate is at least as good as the other" (the same paired test with no margin):
     * small means the candidate is shown worse. 1 when nothing tells them apart.
     */
    public double pAtLeastAsGood() {
        if (n == 0 || candidateOnly + otherOnly == 0) {
            return 1;
        }
        double d = (double) (candidateOnly - otherOnly) / n;
        double variance = ((double) (candidateOnly + otherOnly) / n - d * d) / n;
        return variance <= 0 ? (d < 0 ? 0 : 1) : normalCdf(d / Math.sqrt(variance));
    }

    /** The standard normal distribution function (Zelen and Severo's approximation, error below 1e-7). */
    static double normalCdf(double z) {
        if (z < 0) {
            return 1 - normalCdf(-z);
        }
        double t = 1 / (1 + 0.2316419 * z);
        double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        return 1 - Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) * poly;
    }
}
