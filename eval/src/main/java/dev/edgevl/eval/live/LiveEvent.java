package dev.edgevl.eval.live;

import dev.edgevl.sim.scenario.DriftEvent;
import dev.edgevl.sim.scenario.Scenario;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Something to mark on the accuracy chart, at a time on the stream's (capture-time) axis. */
public record LiveEvent(Instant time, Kind kind, String text) {

    public enum Kind {
        /** A model version annotated its first frame; the evaluator adds these itself. */
        MODEL_VERSION,
        /** The scenario's world changed (night, new classes, a sensor swapped...). */
        DRIFT,
        /** A drift with a duration ended (day again, the sensor is back). */
        DRIFT_END,
        /** The distiller started or finished a training round. */
        RETRAIN,
        /** The promotion gate passed or refused a candidate. */
        GATE
    }

    public LiveEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
    }

    /**
     * The scenario's drift events on the stream's time axis, {@code epoch} being the instant the
     * simulated world started (the fleet's epoch, as in its frames' capture times).
     */
    public static List<LiveEvent> drifts(Scenario scenario, Instant epoch) {
        List<LiveEvent> out = new ArrayList<>();
        for (DriftEvent d : scenario.drift()) {
            out.add(new LiveEvent(epoch.plus(d.window().at()), Kind.DRIFT, describe(d)));
            d.window()
                    .duration()
                    .ifPresent(length -> out.add(new LiveEvent(
                            epoch.plus(d.window().at()).plus(length), Kind.DRIFT_END, d.type() + " over")));
        }
        out.sort(Comparator.comparing(LiveEvent::time));
        return List.copyOf(out);
    }

    /**
     * The name of the segment this event opens: a drift's type ({@code night}, {@code depth-sensor-change}), with
     * {@code -over} when a drift with a duration ends.
     */
    public String segmentName() {
        String type = text.split(" ", 2)[0];
        return kind == Kind.DRIFT_END ? type + "-over" : type;
    }

    /** Whether the event cuts the run into segments: drift, and the end of a drift. */
    public boolean cutsSegments() {
        return kind == Kind.DRIFT || kind == Kind.DRIFT_END;
    }

    private static String describe(DriftEvent d) {
        String where = d.window().devices().isEmpty()
                ? ""
                : " on "
                        + String.join(
                                ", ", d.window().devices().stream().sorted().toList());
        return d.type()
                + where
                + d.window().duration().map(x -> " for " + x.toSeconds() + " s").orElse("");
    }
}
