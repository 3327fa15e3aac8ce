package dev.edgevl.model.zeroshot;

/**
 * The positions of the k largest scores, best first, ties to the lower position. An insertion into a
 * short sorted buffer: O(n·k) without boxing, which beats sorting for the k of a few that top-k uses.
 */
final class TopK {

    private TopK() {}

    static int[] indices(double[] scores, int k) {
        int[] best = new int[k];
        int filled = 0;
        for (int i = 0; i < scores.length; i++) {
            double s = scores[i];
            // strictly greater: an equal score arriving later never displaces the earlier label
            if (filled == k && !(s > scores[best[k - 1]])) {
                continue;
            }
            int j = filled < k ? filled++ : k - 1;
            while (j > 0 && s > scores[best[j - 1]]) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = i;
        }
        return best;
    }
}
