package dev.edgevl.distill;

import dev.edgevl.health.ServiceMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The distiller's meters on {@code /metrics}: rounds by outcome, canary verdicts, backstop rollbacks (counters), and its
 * live version, canary and replay buffer (gauges, read from {@link Distiller#status()} at each scrape).
 */
final class DistillerMeters implements AutoCloseable {
    private final List<Meter> gauges = new ArrayList<>();

    private DistillerMeters() {}

    /** Gauges over {@code distiller} until closed. */
    static DistillerMeters follow(Distiller distiller) {
        DistillerMeters meters = new DistillerMeters();
        meters.gauge(
                distiller, "edgevl.distiller.live.version", "The version the fleet runs.", s -> orNaN(s.liveVersion()));
        meters.gauge(
                distiller,
                "edgevl.distiller.canary.version",
                "The version on the canary devices; NaN when none is.",
                s -> orNaN(s.canaryVersion()));
        meters.gauge(
                distiller,
                "edgevl.distiller.buffer.pairs.train",
                "Pairs in the replay buffer's training slice.",
                Distiller.Status::train);
        meters.gauge(
                distiller,
                "edgevl.distiller.buffer.pairs.heldout",
                "Pairs in the replay buffer's held-out slice.",
                Distiller.Status::heldOut);
        meters.gauge(
                distiller,
                "edgevl.distiller.new.pairs",
                "Pairs that came since the last round.",
                Distiller.Status::newSamples);
        return meters;
    }

    /** A round ended: {@code promoted}, {@code rejected} (by the gate), {@code abandoned}, {@code failed} or {@code skipped}. */
    static void round(String outcome) {
        ServiceMetrics.counter(
                        "edgevl.distiller.rounds",
                        "Retraining rounds by outcome: promoted and rejected are the gate's verdicts.",
                        "outcome",
                        outcome)
                .increment();
    }

    /** A canary was judged: {@code promoted} (fleet-wide) or {@code rolled_back}. */
    static void canary(String verdict) {
        ServiceMetrics.counter("edgevl.distiller.canaries", "Canary rollouts judged, by verdict.", "verdict", verdict)
                .increment();
    }

    /** The collapse backstop rolled the fleet back to an earlier version. */
    static void backstopRollback() {
        ServiceMetrics.counter(
                        "edgevl.distiller.backstop.rollbacks",
                        "Rollbacks by the collapse backstop (the live version worse than v0 for several checks).")
                .increment();
    }

    private void gauge(
            Distiller distiller, String name, String description, ToDoubleFunction<Distiller.Status> figure) {
        gauges.add(Gauge.builder(name, distiller, d -> figure.applyAsDouble(d.status()))
                .description(description)
                .strongReference(true)
                .register(ServiceMetrics.registry()));
    }

    private static double orNaN(Long value) {
        return value == null ? Double.NaN : value;
    }

    @Override
    public void close() {
        MeterRegistry registry = ServiceMetrics.registry();
        gauges.forEach(registry::remove);
    }
}
