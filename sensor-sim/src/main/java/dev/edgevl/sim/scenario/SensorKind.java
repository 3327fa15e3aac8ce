package dev.edgevl.sim.scenario;

import dev.edgevl.sim.sensor.Encoding;

/** What a sensor measures, and how it encodes its frames. */
public enum SensorKind {
    RGB(Encoding.RGB8),
    DEPTH(Encoding.DEPTH16_MM),
    THERMAL(Encoding.THERMAL16_CK);

    private final Encoding encoding;

    SensorKind(Encoding encoding) {
        this.encoding = encoding;
    }

    public Encoding encoding() {
        return encoding;
    }
}
