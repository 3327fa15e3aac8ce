package dev.edgevl.sync;

import java.util.Objects;

/** One decided non-RGB frame and the RGB frame it pairs with, or none. */
public record Match(PendingFrame rgb, PendingFrame aux) {
    public Match {
        Objects.requireNonNull(aux, "aux");
    }

    public boolean hasRgb() {
        return rgb != null;
    }

    /** aux minus rgb capture time, as FramePair.skewMicros has it; null without an RGB frame. */
    public Long skewMicros() {
        return rgb == null ? null : aux.captureMicros() - rgb.captureMicros();
    }
}
