package dev.edgevl.sync;

import dev.edgevl.avro.Modality;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * How far apart in capture time a non-RGB frame and an RGB frame may be and still pair, as a pure function of the
 * {@code sync.tolerance*} settings, the non-RGB frame's modality and the two sensors' frame periods. In order of
 * precedence:
 *
 * <ol>
 *   <li>a per-modality override ({@code sync.tolerance.depth}, {@code sync.tolerance.thermal}) when set for the
 *       modality;
 *   <li>a fixed {@code sync.tolerance} when set to a duration: the same tolerance for every pair;
 *   <li>otherwise (auto, the default) half the longer of the two sensors' frame periods, at most
 *       {@code sync.tolerance.max}: so two sensors at different rates (thermal at 9 fps against RGB at 10) still find
 *       each other, because the nearest frame of the faster sensor is never more than half the slower one's period
 *       away. Until both periods are known, {@link #FALLBACK} (at most {@code sync.tolerance.max}).
 * </ol>
 *
 * @param fixedMicros    {@code sync.tolerance} when set to a duration; empty when auto
 * @param overrideMicros per-modality overrides that are set
 * @param maxMicros      {@code sync.tolerance.max}: the most an automatic tolerance can be
 */
public record ToleranceRule(OptionalLong fixedMicros, Map<Modality, Long> overrideMicros, long maxMicros) {
    /** The automatic tolerance of a pair whose sensors' frame periods are not known yet (the former fixed default). */
    public static final long FALLBACK_MICROS = 20_000;

    public ToleranceRule {
        if (fixedMicros.isPresent() && fixedMicros.getAsLong() < 0 || maxMicros < 0) {
            throw new IllegalArgumentException("Tolerances must not be negative: " + fixedMicros + ", " + maxMicros);
        }
        EnumMap<Modality, Long> copy = new EnumMap<>(Modality.class);
        overrideMicros.forEach((modality, micros) -> {
            if (modality == Modality.RGB || micros == null || micros < 0) {
                throw new IllegalArgumentException("Invalid tolerance override " + modality + " = " + micros);
            }
            copy.put(modality, micros);
        });
        overrideMicros = Collections.unmodifiableMap(copy);
    }

    /** Automatic tolerances, at most {@code maxMicros}, and no overrides. */
    public static ToleranceRule auto(long maxMicros) {
        return new ToleranceRule(OptionalLong.empty(), Map.of(), maxMicros);
    }

    /** One fixed tolerance for every pair. */
    public static ToleranceRule fixed(long micros) {
        return new ToleranceRule(OptionalLong.of(micros), Map.of(), micros);
    }

    /**
     * The tolerance of a pair of a non-RGB frame of {@code modality} and an RGB frame.
     *
     * @param auxPeriodMicros the non-RGB sensor's frame period, when known
     * @param rgbPeriodMicros the RGB sensor's frame period, when known
     */
    public long micros(Modality modality, OptionalLong auxPeriodMicros, OptionalLong rgbPeriodMicros) {
        Long override = overrideMicros.get(modality);
        if (override != null) {
            return override;
        }
        if (fixedMicros.isPresent()) {
            return fixedMicros.getAsLong();
        }
        if (auxPeriodMicros.isEmpty() || rgbPeriodMicros.isEmpty()) {
            return Math.min(maxMicros, FALLBACK_MICROS);
        }
        return auto(auxPeriodMicros.getAsLong(), rgbPeriodMicros.getAsLong(), maxMicros);
    }

    /** Half the longer of two frame periods (rounded up), at most {@code maxMicros}. */
    static long auto(long auxPeriodMicros, long rgbPeriodMicros, long maxMicros) {
        long longer = Math.max(auxPeriodMicros, rgbPeriodMicros);
        return Math.min(maxMicros, longer / 2 + longer % 2);
    }

    /**
     * The tolerance a non-RGB sensor gets before anything is known of it (neither its modality nor its period): the
     * widest any modality would get then. An RGB frame stays available that long for a sensor not heard from yet.
     */
    public long unseenSensorMicros() {
        long widest = 0;
        for (Modality modality : Modality.values()) {
            if (modality != Modality.RGB) {
                widest = Math.max(widest, micros(modality, OptionalLong.empty(), OptionalLong.empty()));
            }
        }
        return widest;
    }

    /** The widest tolerance any pair can get, whatever the frame periods: what the clock-reset threshold must exceed. */
    public long widestMicros() {
        long widest = fixedMicros.orElse(maxMicros);
        for (long override : overrideMicros.values()) {
            widest = Math.max(widest, override);
        }
        return widest;
    }
}
