package dev.edgevl.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides which of a device's waiting frames pair up, as a pure function of those frames, the pairs' tolerances and two
 * clocks.
 *
 * <p><b>Who pairs.</b> Per non-RGB sensor, an RGB and a non-RGB frame may pair when their capture times are at
 * most that sensor's tolerance apart ({@link Tolerances}; the tolerance of a pair depends on the non-RGB sensor, see
 * {@link ToleranceRule}). Among the candidates, the closest pair is taken first, then the closest of what is left, and
 * so on; so every pair is mutually nearest among the frames still free, and a non-RGB frame that loses its nearest RGB
 * frame to a closer rival takes its next candidate or goes alone. Each RGB frame serves each non-RGB sensor at most
 * once, so a device with depth and thermal sensors yields up to two pairs per RGB frame.
 *
 * <p><b>When.</b> A frame is <i>ready</i> once its device's stream time (the newest capture time seen) is more
 * than its tolerance + grace past it, because by then every possible partner has arrived unless it came more than the
 * grace out of order; a non-RGB frame's tolerance is its sensor's, an RGB frame's the widest of any non-RGB sensor's
 * (it may partner any of them). A frame is also ready once it has waited {@code maxWait} on the wall clock, so a
 * device that goes quiet does not strand its last frames. A ready non-RGB frame is decided with the partner it has at
 * that moment. A ready RGB frame leaves once no waiting non-RGB frame could still claim it. Frames are decided on
 * what has arrived, so a frame more than the grace late can cost its neighbours their best partner; the invariants
 * (each non-RGB frame once, each RGB frame at most once per sensor, every pair within the tolerance it was decided
 * with) hold regardless, also when tolerances change from one round to the next.
 *
 * <p><b>Sooner, when the device's own numbers show it.</b> Waiting for stream time to pass tolerance + grace costs a
 * non-RGB frame one to two frame periods. A device's sequence numbers and frame periods usually say more: when every RGB
 * sensor has sent all its frames nearer to a non-RGB frame than its chosen partner (or, with no partner, within its
 * tolerance: no sequence number missing, and the next frame, no sooner after the newest than the recent intervals allow, beyond that
 * reach), no better partner can still come; and when the frame's own
 * sensor has no frame missing near its chosen partner (and its next frame would be farther from it), no rival can take
 * that partner away. Such a frame is decided at once ({@link Horizons}); anything missing, unknown or late falls back to
 * the rule above. While every RGB camera of the device has stopped (sent nothing for {@code sync.stopped-after} while
 * its other sensors went on: a camera out), a non-RGB frame without a partner goes alone at once; the first frames
 * after a camera comes back may go alone that would have waited for it.
 */
public final class FrameMatcher {

    /**
     * @param graceMicros   how far out of capture-time order a frame may arrive and still be considered
     * @param maxWaitMillis longest wall-clock wait of a frame before it is decided anyway
     */
    public record Rules(long graceMicros, long maxWaitMillis) {
        public Rules {
            if (graceMicros < 0 || maxWaitMillis <= 0) {
                throw new IllegalArgumentException("Grace must not be negative and max wait must be positive: "
                        + graceMicros + " µs, " + maxWaitMillis + " ms.");
            }
        }
    }

    /**
     * The tolerances of one device's pairs in one round: per non-RGB sensor, the largest |aux - rgb| capture-time
     * difference that still pairs (inclusive).
     *
     * @param bySensorMicros the tolerance of each non-RGB sensor known to the device
     * @param othersMicros   the tolerance of any other non-RGB sensor, also one not heard from yet
     */
    public record Tolerances(Map<String, Long> bySensorMicros, long othersMicros) {
        public Tolerances {
            bySensorMicros = Map.copyOf(bySensorMicros);
            if (othersMicros < 0 || bySensorMicros.values().stream().anyMatch(micros -> micros < 0)) {
                throw new IllegalArgumentException(
                        "Tolerances must not be negative: " + bySensorMicros + ", others " + othersMicros + " µs.");
            }
        }

        /** The same tolerance for every sensor. */
        public static Tolerances uniform(long micros) {
            return new Tolerances(Map.of(), micros);
        }

        /** The tolerance of pairs of this non-RGB sensor. */
        public long of(String auxSensorId) {
            return bySensorMicros.getOrDefault(auxSensorId, othersMicros);
        }

        /** The widest tolerance of any non-RGB sensor, known or not: how long an RGB frame may still be claimed. */
        public long widest() {
            long widest = othersMicros;
            for (long micros : bySensorMicros.values()) {
                widest = Math.max(widest, micros);
            }
            return widest;
        }

        /** The tolerance that decides when {@code frame} is ready: its sensor's, or for an RGB frame the widest. */
        public long forFrame(PendingFrame frame) {
            return frame.rgb() ? widest() : of(frame.sensorId());
        }
    }

    /**
     * What one sensor's sequence numbers and frame period say: every frame of the sensor captured from
     * {@code fromMicros} up to (not including) {@code throughMicros} has arrived.
     */
    public record Horizon(long fromMicros, long throughMicros) {
        public static final Horizon UNKNOWN = new Horizon(Long.MAX_VALUE, Long.MIN_VALUE);

        /** Whether every frame captured in [from, to] has arrived. */
        boolean covers(long from, long to) {
            return fromMicros <= from && throughMicros > to;
        }
    }

    /**
     * The horizons of one device's sensors in one round, which sensors are RGB cameras, and which have stopped.
     *
     * @param bySensor   per sensor; a sensor left out has no horizon (its period or sequence numbers are not known)
     * @param rgbSensors the device's RGB sensors; with none known, nothing is decided early
     * @param stopped    sensors silent for longer than {@code sync.stopped-after} while the device's others went on
     */
    public record Horizons(Map<String, Horizon> bySensor, Set<String> rgbSensors, Set<String> stopped) {
        /** No early decisions: frames wait for stream time. */
        public static final Horizons NONE = new Horizons(Map.of(), Set.of());

        public Horizons {
            bySensor = Map.copyOf(bySensor);
            rgbSensors = Set.copyOf(rgbSensors);
            stopped = Set.copyOf(stopped);
        }

        /** No sensor stopped. */
        public Horizons(Map<String, Horizon> bySensor, Set<String> rgbSensors) {
            this(bySensor, rgbSensors, Set.of());
        }

        Horizon of(String sensorId) {
            return bySensor.getOrDefault(sensorId, Horizon.UNKNOWN);
        }

        /** Whether every RGB frame captured in [from, to] has arrived, from every RGB sensor. */
        boolean allRgbArrived(long from, long to) {
            return !rgbSensors.isEmpty() && rgbSensors.stream().allMatch(id -> of(id).covers(from, to));
        }

        /** Whether every RGB camera of the device has stopped: no RGB frame is expected until one sends again. */
        boolean allRgbStopped() {
            return !rgbSensors.isEmpty() && stopped.containsAll(rgbSensors);
        }
    }

    private FrameMatcher() {}

    /**
     * Whether a non-RGB frame's decision can no longer change: every RGB frame nearer than its partner (or, going alone,
     * within its tolerance) has arrived, and no frame of its own sensor that is still to come could be nearer its partner
     * (or, going alone, claim any RGB frame it could).
     */
    static boolean settledEarly(PendingFrame aux, PendingFrame partner, long toleranceMicros, Horizons horizons) {
        if (partner == null && horizons.allRgbStopped()) {
            // No RGB frame in reach is free and none is coming; frames of its own sensor only ever take RGB frames,
            // never free one, so nothing can give it a partner.
            return true;
        }
        long a = aux.captureMicros();
        long reach = partner == null ? toleranceMicros : Math.abs(a - partner.captureMicros());
        if (!horizons.allRgbArrived(a - reach, a + reach)) {
            return false;
        }
        Horizon own = horizons.of(aux.sensorId());
        if (partner == null) {
            return own.covers(a - 2 * toleranceMicros, a + 2 * toleranceMicros);
        }
        long mirror = 2 * partner.captureMicros() - a; // a rival nearer the partner lies between a and this
        return own.covers(Math.min(a, mirror), Math.max(a, mirror));
    }

    /** Stream time must pass a frame's capture time by more than this before the frame is decided. */
    public static long decisionDelayMicros(PendingFrame frame, Rules rules, Tolerances tolerances) {
        return tolerances.forFrame(frame) + rules.graceMicros();
    }

    public static boolean isReady(
            PendingFrame frame, long streamTimeMicros, long nowMillis, Rules rules, Tolerances tolerances) {
        return isLate(frame, streamTimeMicros, rules, tolerances)
                || nowMillis - frame.arrivedMillis() >= rules.maxWaitMillis();
    }

    /**
     * A frame that arrives when its device's stream time is already past its decision point is late: frames
     * around it may have been decided without it, so it is not matched but handled like an unmatched frame.
     */
    public static boolean isLate(PendingFrame frame, long streamTimeMicros, Rules rules, Tolerances tolerances) {
        long capture = frame.captureMicros();
        // Compared this way round so that a device without a stream time yet (Long.MIN_VALUE) cannot overflow.
        return streamTimeMicros > capture && streamTimeMicros - capture > decisionDelayMicros(frame, rules, tolerances);
    }

    /** One round for one device, deciding only by stream time and the wall clock. */
    public static Decisions decide(
            Collection<PendingFrame> pending,
            long streamTimeMicros,
            long nowMillis,
            boolean forceAll,
            Rules rules,
            Tolerances tolerances) {
        return decide(pending, streamTimeMicros, nowMillis, forceAll, rules, tolerances, Horizons.NONE);
    }

    /**
     * One round for one device.
     *
     * @param pending          the device's waiting frames, in any order
     * @param streamTimeMicros the newest capture time seen from the device
     * @param nowMillis        wall-clock time, for the max wait
     * @param forceAll         decide everything now (the device's clock was reset)
     * @param tolerances       the device's tolerances in this round
     * @param horizons         what the device's sensors have surely sent, for early decisions ({@link Horizons#NONE}:
     *                         none)
     */
    public static Decisions decide(
            Collection<PendingFrame> pending,
            long streamTimeMicros,
            long nowMillis,
            boolean forceAll,
            Rules rules,
            Tolerances tolerances,
            Horizons horizons) {
        List<PendingFrame> rgb = new ArrayList<>();
        Map<String, List<PendingFrame>> auxBySensor = new TreeMap<>();
        pending.stream().sorted(PendingFrame.TIME_ORDER).forEach(frame -> {
            if (frame.rgb()) {
                rgb.add(frame);
            } else {
                auxBySensor
                        .computeIfAbsent(frame.sensorId(), sensor -> new ArrayList<>())
                        .add(frame);
            }
        });

        List<Match> matches = new ArrayList<>();
        List<PendingFrame> waitingAux = new ArrayList<>();
        for (Map.Entry<String, List<PendingFrame>> sensor : auxBySensor.entrySet()) {
            Map<PendingFrame, Integer> partners =
                    nearestFirst(sensor.getKey(), sensor.getValue(), rgb, tolerances.of(sensor.getKey()));
            for (PendingFrame aux : sensor.getValue()) {
                Integer partner = partners.get(aux);
                if (!forceAll
                        && !isReady(aux, streamTimeMicros, nowMillis, rules, tolerances)
                        && !settledEarly(
                                aux,
                                partner == null ? null : rgb.get(partner),
                                tolerances.of(sensor.getKey()),
                                horizons)) {
                    waitingAux.add(aux);
                    continue;
                }
                if (partner == null) {
                    matches.add(new Match(null, aux));
                } else {
                    PendingFrame used = rgb.get(partner).pairedWith(sensor.getKey());
                    rgb.set(partner, used);
                    matches.add(new Match(used, aux));
                }
            }
        }

        List<PendingFrame> settled = new ArrayList<>();
        List<PendingFrame> remaining = new ArrayList<>(waitingAux);
        for (PendingFrame frame : rgb) {
            boolean ready = forceAll || isReady(frame, streamTimeMicros, nowMillis, rules, tolerances);
            if (ready && waitingAux.stream().noneMatch(aux -> couldClaim(aux, frame, tolerances.of(aux.sensorId())))) {
                settled.add(frame);
            } else {
                remaining.add(frame);
            }
        }
        matches.sort(Comparator.comparing(Match::aux, PendingFrame.TIME_ORDER));
        remaining.sort(PendingFrame.TIME_ORDER);
        return new Decisions(matches, settled, remaining);
    }

    private static boolean couldClaim(PendingFrame aux, PendingFrame rgb, long toleranceMicros) {
        return !rgb.pairedWith().contains(aux.sensorId())
                && Math.abs(aux.captureMicros() - rgb.captureMicros()) <= toleranceMicros;
    }

    /**
     * Closest pair first over all candidate pairs of one sensor: the index into {@code rgb} each aux frame gets.
     * Both lists are in time order, so each aux frame's candidates are found by a short forward scan.
     */
    private static Map<PendingFrame, Integer> nearestFirst(
            String sensor, List<PendingFrame> aux, List<PendingFrame> rgb, long toleranceMicros) {
        record Candidate(int aux, int rgb, long distance) {}
        List<Candidate> candidates = new ArrayList<>();
        int first = 0;
        for (int a = 0; a < aux.size(); a++) {
            long t = aux.get(a).captureMicros();
            while (first < rgb.size() && rgb.get(first).captureMicros() < t - toleranceMicros) {
                first++;
            }
            for (int r = first; r < rgb.size() && rgb.get(r).captureMicros() <= t + toleranceMicros; r++) {
                if (!rgb.get(r).pairedWith().contains(sensor)) {
                    candidates.add(new Candidate(a, r, Math.abs(t - rgb.get(r).captureMicros())));
                }
            }
        }
        // Ties go to the earlier aux frame, then the earlier RGB frame, so the result never depends on arrival order.
        candidates.sort(Comparator.comparingLong(Candidate::distance)
                .thenComparingInt(Candidate::aux)
                .thenComparingInt(Candidate::rgb));
        Map<PendingFrame, Integer> partners = new IdentityHashMap<>();
        boolean[] rgbTaken = new boolean[rgb.size()];
        for (Candidate c : candidates) {
            PendingFrame frame = aux.get(c.aux());
            if (!partners.containsKey(frame) && !rgbTaken[c.rgb()]) {
                partners.put(frame, c.rgb());
                rgbTaken[c.rgb()] = true;
            }
        }
        return partners;
    }
}
