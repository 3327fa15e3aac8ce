package dev.edgevl.inference;

import dev.edgevl.avro.Modality;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;

/**
 * How readily an uncertain frame of each non-RGB modality may spend its device's teacher budget: 1 for the modality
 * the live student is weakest on, less for the others, so a device with a depth and a thermal camera spends most of its
 * budget where the student has most to learn. Weakness is the live version's own gate figure, signed in its manifest:
 * its agreement with the teacher per non-RGB modality on the held-out pairs drawn uniformly from the stream, the
 * exploration picks ({@code gate.vsLive.<MODALITY>.uniformCandidate}, on at least {@value #MIN_PAIRS} pairs). Not on
 * all held-out pairs: those are mostly frames the router sent because a student was unsure of them, and how often a
 * student agrees on its hardest frames says little about where it is weak — on a drift run the thermal graph agreed on
 * 0.61 of such thermal pairs and the shared graph on 0.38 of such depth pairs, while on the stream thermal was right on
 * 24% of frames and depth on 41%. A modality's priority is {@code (weakest + s) / (its own + s)}, at most 1, with
 * {@code s} = {@value #SMOOTHING}: equal figures give equal priority, a student twice as good on depth as on thermal
 * sends about half as many of its uncertain depth frames. Without such figures for two modalities (version 0, too few
 * exploration picks yet) every modality has priority 1. Pure.
 */
public record ModalityPriority(Map<Modality, Double> priorities) implements Serializable {
    static final int MIN_PAIRS = 20;
    static final double SMOOTHING = 0.05;
    public static final ModalityPriority UNIFORM = new ModalityPriority(Map.of());

    public ModalityPriority {
        priorities = Map.copyOf(priorities);
    }

    public static ModalityPriority from(Map<String, Double> metrics) {
        Map<Modality, Double> agreement = new EnumMap<>(Modality.class);
        for (Modality m : new Modality[] {Modality.DEPTH, Modality.THERMAL}) {
            Double pairs = metrics.get("gate.vsLive." + m + ".uniformPairs");
            Double rate = metrics.get("gate.vsLive." + m + ".uniformCandidate");
            if (pairs != null && rate != null && pairs >= MIN_PAIRS && !rate.isNaN()) {
                agreement.put(m, rate);
            }
        }
        if (agreement.size() < 2) {
            return UNIFORM;
        }
        double weakest = agreement.values().stream()
                .mapToDouble(Double::doubleValue)
                .min()
                .orElse(0);
        Map<Modality, Double> out = new EnumMap<>(Modality.class);
        agreement.forEach((m, a) -> out.put(m, Math.min(1, (weakest + SMOOTHING) / (a + SMOOTHING))));
        return new ModalityPriority(out);
    }

    /** Between 0 and 1; 1 for a modality without a figure. */
    public double of(Modality modality) {
        return priorities.getOrDefault(modality, 1.0);
    }

    @Override
    public String toString() {
        return priorities.isEmpty() ? "uniform" : priorities.toString();
    }
}
