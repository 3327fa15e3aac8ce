package dev.edgevl.eval.live;

import dev.edgevl.sim.scenario.DriftEvent;
import dev.edgevl.sim.scenario.Scenario;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Something to mark on the accuracy chart, at a time on the stream's (capture-time) axis. */
public record LiveEvent(Instant time, Kind kind, String text) {

    public enum Kind {
        /** A model version annotated its first frame; the evaluator adds these itself. */
        MODEL_VERSION,
        /** The scenario's world changed (night, new classes, a sensor swapped...). */
        DRIFT,
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
        return scenario.drift().stream()
                .map(d -> new LiveEvent(epoch.plus(d.window().at()), Kind.DRIFT, describe(d)))
                .toList();
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
