package dev.edgevl.model.train;

import java.util.Random;

/** Training orders: the offline evaluation and the distiller shuffle their pairs the same way. */
public final class Shuffle {
    private Shuffle() {}

    /** 0..n-1 in a random order (Fisher–Yates), reproducible from {@code random}. */
    public static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
