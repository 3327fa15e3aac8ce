package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.inference.ShedPolicy.Decision;
import java.util.ArrayDeque;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ShedPolicyTest {
    private static final long SHED_AFTER = 4_000;

    @Test
    void aJobThatKeepsUpAnnotatesEveryPairAndShedsOnlyThoseReachedLongerThanShedAfterAfterPairing() {
        ShedPolicy policy = new ShedPolicy(SHED_AFTER);
        for (long t = 0; t < 10_000; t += 100) {
            assertThat(policy.decide("d", 50, t)).isEqualTo(Decision.ANNOTATE);
        }
        assertThat(policy.decide("d", SHED_AFTER + 1, 10_000)).isEqualTo(Decision.SHED_LATE);
        assertThat(policy.decide("d", SHED_AFTER, 10_000)).isEqualTo(Decision.ANNOTATE);
        assertThat(policy.share()).isEqualTo(1.0);
    }

    @Test
    void whileTheLagKeepsGrowingPastHalfOfShedAfterTheShareIsCutEveryPeriodAndHeldWhileItShrinks() {
        ShedPolicy policy = new ShedPolicy(SHED_AFTER);
        long t = 0;
        policy.decide("d", 0, t);
        for (long lag = 2_100; lag <= 2_300; lag += 100) { // three periods, each further behind
            t += ShedPolicy.PERIOD_MILLIS;
            policy.decide("d", lag, t - 1);
            policy.decide("d", 0, t);
        }
        assertThat(policy.share()).isCloseTo(Math.pow(ShedPolicy.CUT, 3), within());
        double cut = policy.share();
        for (long lag = 2_250; lag >= 2_050; lag -= 100) { // catching up, still behind
            policy.decide("d", lag, t + ShedPolicy.PERIOD_MILLIS - 1);
            t += ShedPolicy.PERIOD_MILLIS;
            policy.decide("d", 0, t);
        }
        assertThat(policy.share()).as("held while catching up").isEqualTo(cut);
    }

    @Test
    void aPeriodNeverBehindRaisesTheShareUpToAll() {
        Behind b = fallenBehind(0.5);
        double before = b.policy.share();
        long t = b.at + ShedPolicy.PERIOD_MILLIS;
        b.policy.decide("d", 10, t);
        assertThat(b.policy.share()).isCloseTo(before + ShedPolicy.RAISE, within());
        for (int i = 0; i < 20; i++) {
            t += ShedPolicy.PERIOD_MILLIS;
            b.policy.decide("d", 10, t);
        }
        assertThat(b.policy.share()).isEqualTo(1.0);
    }

    @Test
    void theShareNeverFallsBelowItsFloor() {
        Behind b = fallenBehind(0.0);
        long t = b.at;
        for (int i = 0; i < 5; i++) { // still falling behind
            t += ShedPolicy.PERIOD_MILLIS;
            b.policy.decide("d", 60_000 + i, t - 1);
            b.policy.decide("d", 0, t);
        }
        assertThat(b.policy.share()).isEqualTo(ShedPolicy.MIN_SHARE);
    }

    @Test
    void onTimePairsAreShedEvenlyOverEachDevicesFramesWhateverTheOtherDevicesSend() {
        Behind b = fallenBehind(0.55);
        double share = b.policy.share();
        long t = b.at; // the same period: the share holds
        StringBuilder a = new StringBuilder();
        int annotatedB = 0;
        for (int i = 0; i < 20; i++) {
            a.append(b.policy.decide("a", 10, t) == Decision.ANNOTATE ? 'A' : 's');
            for (int j = 0; j < 3; j++) { // b sends three times as many
                annotatedB += b.policy.decide("b", 10, t) == Decision.ANNOTATE ? 1 : 0;
            }
        }
        assertThat(b.policy.share()).isEqualTo(share).isBetween(0.45, 0.55);
        assertThat(a.toString()).as("every other frame").matches("(sA)+");
        assertThat(annotatedB).isBetween((int) Math.floor(60 * share), (int) Math.ceil(60 * share));
        assertThat(b.policy.decide("a", SHED_AFTER + 1, t)).as("late is late").isEqualTo(Decision.SHED_LATE);
    }

    @Test
    void shedAfterMustBePositive() {
        assertThatThrownBy(() -> new ShedPolicy(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * What the share is for. One task thread reads four partitions in turns, up to 50 pairs of each per turn, as a
     * Kafka source does; one partition carries three devices, the others one each; together they offer twice what the
     * thread can annotate, and shedding a pair costs a tenth of annotating one. With the late rule alone the thread
     * keeps annotating the partitions it keeps up with and the busy one falls ever further behind; with the share,
     * every partition stays within shed-after, and the thread never waits: it annotates as many pairs as its time
     * allows after shedding the rest (at twice the capacity, with a shed a tenth of an annotation, 0.89 of capacity).
     */
    @Test
    void atTwiceTheCapacityOverUnevenPartitionsTheShareBoundsTheLagAndKeepsTheThreadAnnotating() {
        Simulation lateOnly = Simulation.run(null);
        Simulation withShare = Simulation.run(new ShedPolicy(SHED_AFTER));

        assertThat(lateOnly.maxLagLastMinute).as("late rule alone").isGreaterThan(10 * SHED_AFTER);
        assertThat(withShare.maxLagLastMinute).as("with the share").isLessThanOrEqualTo(SHED_AFTER + 1_000);
        double offered = 2 * 1e6 / Simulation.ANNOTATE_MICROS;
        double most = (1e6 - offered * Simulation.SHED_MICROS) / (Simulation.ANNOTATE_MICROS - Simulation.SHED_MICROS);
        assertThat(withShare.annotatedOverCapacity)
                .as("annotated over capacity; at most %.3f", most * Simulation.ANNOTATE_MICROS / 1e6)
                .isGreaterThanOrEqualTo(0.95 * most * Simulation.ANNOTATE_MICROS / 1e6);
    }

    private static Offset<Double> within() {
        return Offset.offset(1e-9);
    }

    /** A policy whose share was cut to {@code atMost} or below by a lag that kept growing, and the time it was cut. */
    private static Behind fallenBehind(double atMost) {
        ShedPolicy policy = new ShedPolicy(SHED_AFTER);
        long t = 0;
        long lag = SHED_AFTER;
        policy.decide("d", 0, t);
        while (policy.share() > atMost && policy.share() > ShedPolicy.MIN_SHARE) {
            t += ShedPolicy.PERIOD_MILLIS;
            policy.decide("d", lag += 10, t - 1);
            policy.decide("d", 0, t);
        }
        return new Behind(policy, t);
    }

    private record Behind(ShedPolicy policy, long at) {}

    /** A task thread reading partitions in turns, in microseconds of its own time. */
    private static final class Simulation {
        static final long ANNOTATE_MICROS = 300;
        static final long SHED_MICROS = 30;
        static final int TURN = 50;
        static final int SECONDS = 300;
        /** Devices per partition, each sending the same rate. */
        static final int[] DEVICES = {3, 1, 1, 1};

        long maxLagLastMinute;
        double annotatedOverCapacity;

        /** {@code policy} decides; without one, the late rule alone. */
        static Simulation run(ShedPolicy policy) {
            Simulation s = new Simulation();
            int devices = 0;
            for (int d : DEVICES) {
                devices += d;
            }
            double perDevice = 2.0 * 1e6 / ANNOTATE_MICROS / devices; // pairs/s each: twice the capacity in all
            long intervalMicros = Math.round(1e6 / perDevice);
            @SuppressWarnings("unchecked")
            ArrayDeque<long[]>[] queues = new ArrayDeque[DEVICES.length];
            long[] nextArrival = new long[DEVICES.length];
            for (int p = 0; p < DEVICES.length; p++) {
                queues[p] = new ArrayDeque<>();
            }
            long now = 0;
            long end = SECONDS * 1_000_000L;
            long annotatedFromMinute1 = 0;
            while (now < end) {
                for (int p = 0; p < DEVICES.length; p++) { // arrivals up to now: {paired at, device}
                    for (; nextArrival[p] <= now; nextArrival[p] += intervalMicros) {
                        for (int d = 0; d < DEVICES[p]; d++) {
                            queues[p].add(new long[] {nextArrival[p], d});
                        }
                    }
                }
                boolean any = false;
                for (int p = 0; p < DEVICES.length; p++) {
                    for (int i = 0; i < TURN && !queues[p].isEmpty(); i++) {
                        long[] pair = queues[p].poll();
                        any = true;
                        long lagMillis = (now - pair[0]) / 1000;
                        boolean annotate = policy == null
                                ? lagMillis <= SHED_AFTER
                                : policy.decide("p" + p + "d" + pair[1], lagMillis, now / 1000) == Decision.ANNOTATE;
                        now += annotate ? ANNOTATE_MICROS : SHED_MICROS;
                        if (annotate && now >= 60_000_000L) {
                            annotatedFromMinute1++;
                        }
                        if (now >= end - 60_000_000L) {
                            s.maxLagLastMinute = Math.max(s.maxLagLastMinute, lagMillis);
                        }
                    }
                }
                if (!any) {
                    now += 100;
                }
            }
            double capacity = 1e6 / ANNOTATE_MICROS;
            s.annotatedOverCapacity = annotatedFromMinute1 / ((SECONDS - 60) * capacity);
            return s;
        }
    }
}
