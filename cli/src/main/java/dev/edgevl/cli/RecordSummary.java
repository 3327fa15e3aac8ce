package dev.edgevl.cli;

import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.SensorFrame;
import java.util.Locale;

/** One line per record, for people watching a topic: the interesting fields, never the pixels. */
final class RecordSummary {
    private static final int MAX = 240;

    private RecordSummary() {}

    static String of(Object value) {
        if (value == null) {
            return "(tombstone)";
        }
        if (value instanceof SensorFrame f) {
            return frame(f);
        }
        if (value instanceof FramePair p) {
            String rgb = p.getRgb() == null ? "no RGB partner" : frame(p.getRgb());
            String skew = p.getSkewMicros() == null
                    ? ""
                    : String.format(Locale.ROOT, "  skew %+.1f ms", p.getSkewMicros() / 1000.0);
            return "[" + rgb + "] + [" + frame(p.getAux()) + "]" + skew;
        }
        if (value instanceof FrameTruth t) {
            return String.format(
                    "%s#%d scene %d: %s%s",
                    t.getSensorId(),
                    t.getSequence(),
                    t.getSceneId(),
                    t.getCaption(),
                    t.getConditions().isEmpty() ? "" : " " + t.getConditions());
        }
        if (value instanceof DeviceStatus d) {
            String model = d.getModelVersion() == null ? "no model" : d.getModelFamily() + " v" + d.getModelVersion();
            return String.format(
                    "%s %s, %,d frames annotated%s%s (reported %s)",
                    d.getHealth(),
                    model,
                    d.getFramesAnnotated(),
                    d.getLastSwapTime() == null ? "" : ", swapped at " + d.getLastSwapTime(),
                    d.getLastError() == null ? "" : "; " + d.getLastError(),
                    d.getReportTime());
        }
        String text = value.toString();
        return text.length() <= MAX ? text : text.substring(0, MAX - 1) + "…";
    }

    private static String frame(SensorFrame f) {
        return String.format(
                "%s %s#%d %dx%d %s at %s",
                f.getModality(),
                f.getSensorId(),
                f.getSequence(),
                f.getWidth(),
                f.getHeight(),
                f.getEncoding(),
                f.getCaptureTime());
    }
}
