package dev.edgevl.distill;

import java.time.Duration;

/** Durations as people write them in a log line. */
final class Durations {
    private Durations() {}

    static String text(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        return (s / 3600) + " h";
    }
}
