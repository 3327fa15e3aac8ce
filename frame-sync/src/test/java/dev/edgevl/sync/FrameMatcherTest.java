package dev.edgevl.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.Modality;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pairing rules on their own: frames in, decisions out, no Kafka. Times are milliseconds after T0 unless said. */
class FrameMatcherTest {
    private static final long T0 = 1_790_000_000_000_000L; // micros since the epoch
    private static final FrameMatcher.Rules RULES = new FrameMatcher.Rules(50_000, 2_000);
    private static final FrameMatcher.Tolerances TOLERANCE = FrameMatcher.Tolerances.uniform(20_000);
    private static final long ARRIVED = 5_000;
    private static final long STOPPED_AFTER = FrameSyncConfig.defaults().stoppedAfterMicros();

    @Test
    void inOrderFramesPairWithTheirCounterparts() {
        List<PendingFrame> frames = List.of(
                rgb(0, 0), rgb(33, 1), rgb(66, 2), aux("depth0", 4, 0), aux("depth0", 37, 1), aux("depth0", 70, 2));

        Decisions decisions = decideAllReady(frames);

        assertThat(pairs(decisions)).containsExactly("rgb0#0+depth0#0", "rgb0#1+depth0#1", "rgb0#2+depth0#2");
        assertThat(decisions.matches()).extracting(Match::skewMicros).containsOnly(4_000L);
        assertThat(decisions.settledRgb()).hasSize(3).allMatch(r -> r.pairedWith()
                .equals(Set.of("depth0")));
        assertThat(decisions.unmatchedRgb()).isEmpty();
        assertThat(decisions.remaining()).isEmpty();
    }

    @Test
    void theNearestRgbFrameIsChosen() {
        Decisions decisions = decideAllReady(List.of(rgb(0, 0), rgb(15, 1), aux("depth0", 10, 0)));

        assertThat(pairs(decisions)).containsExactly("rgb0#1+depth0#0");
        assertThat(decisions.unmatchedRgb()).extracting(PendingFrame::sequence).containsExactly(0L);
    }

    @Test
    void whenTwoNonRgbFramesWantOneRgbFrameTheCloserWinsAndTheOtherTakesItsNextCandidate() {
        // depth#1 is nearer to rgb#0 (14 ms) than to rgb#1 (19 ms), but depth#0 is nearer still (5 ms).
        Decisions decisions = decideAllReady(List.of(rgb(0, 0), rgb(33, 1), aux("depth0", 5, 0), aux("depth0", 14, 1)));

        assertThat(pairs(decisions)).containsExactly("rgb0#0+depth0#0", "rgb0#1+depth0#1");
    }

    @Test
    void theLoserOfACompetitionWithNoOtherCandidateGoesAlone() {
        Decisions decisions = decideAllReady(List.of(rgb(0, 0), aux("depth0", 5, 0), aux("depth0", 10, 1)));

        assertThat(pairs(decisions)).containsExactly("rgb0#0+depth0#0", "-+depth0#1");
        assertThat(decisions.matches().get(1).skewMicros()).isNull();
    }

    @Test
    void exactlyTheToleranceApartPairsAndOneMicrosecondMoreDoesNot() {
        Decisions atTolerance = decideAllReady(List.of(rgbMicros(0, 0), auxMicros("depth0", 20_000, 0)));
        Decisions beyond = decideAllReady(List.of(rgbMicros(0, 0), auxMicros("depth0", 20_001, 0)));
        Decisions before = decideAllReady(List.of(rgbMicros(20_001, 0), auxMicros("depth0", 0, 0)));

        assertThat(pairs(atTolerance)).containsExactly("rgb0#0+depth0#0");
        assertThat(pairs(beyond)).containsExactly("-+depth0#0");
        assertThat(beyond.unmatchedRgb()).hasSize(1);
        assertThat(pairs(before)).containsExactly("-+depth0#0");
    }

    @Test
    void equallyNearCandidatesResolveTheSameWayWhateverTheOrderTheyCameIn() {
        List<PendingFrame> frames = new ArrayList<>(List.of(rgb(0, 0), rgb(20, 1), aux("depth0", 10, 0)));
        Decisions one = decideAllReady(frames);
        frames.sort(Comparator.comparing(PendingFrame::captureMicros).reversed());
        Decisions other = decideAllReady(frames);

        assertThat(pairs(one)).containsExactly("rgb0#0+depth0#0").isEqualTo(pairs(other));
    }

    @Test
    void nothingIsDecidedUntilStreamTimeIsMoreThanToleranceAndGracePastTheFrame() {
        List<PendingFrame> frames = List.of(aux("depth0", 0, 0), rgb(10, 0));

        Decisions early = FrameMatcher.decide(frames, at(70), ARRIVED, false, RULES, TOLERANCE);
        assertThat(early.matches()).isEmpty();
        assertThat(early.remaining()).hasSize(2);

        Decisions due = FrameMatcher.decide(frames, at(70) + 1, ARRIVED, false, RULES, TOLERANCE);
        assertThat(pairs(due)).containsExactly("rgb0#0+depth0#0");
        // The RGB frame is not due yet (10 + 70 ms), so it stays, marked as taken by depth0.
        assertThat(due.settledRgb()).isEmpty();
        assertThat(due.remaining()).singleElement().satisfies(r -> assertThat(r.pairedWith())
                .containsExactly("depth0"));

        Decisions later = FrameMatcher.decide(due.remaining(), at(80) + 1, ARRIVED, false, RULES, TOLERANCE);
        assertThat(later.matches()).isEmpty();
        assertThat(later.settledRgb()).singleElement().satisfies(r -> assertThat(r.pairedWith())
                .containsExactly("depth0"));
        assertThat(later.unmatchedRgb()).isEmpty();
        assertThat(later.remaining()).isEmpty();
    }

    @Test
    void anRgbFrameWaitsWhileAWaitingNonRgbFrameCouldStillClaimIt() {
        // rgb#0 is due at 70 ms, but depth#0 (18 ms) is not due before 88 ms and may want it.
        Decisions decisions =
                FrameMatcher.decide(List.of(rgb(0, 0), aux("depth0", 18, 0)), at(75), ARRIVED, false, RULES, TOLERANCE);

        assertThat(decisions.settledRgb()).isEmpty();
        assertThat(decisions.remaining()).hasSize(2);
    }

    @Test
    void framesArrivingOutOfOrderWithinTheGraceStillPairCorrectly() {
        Rounds rounds = new Rounds();
        // depth frames race ahead of their RGB frames by up to 45 ms; rgb#1 arrives even after depth#2.
        rounds.arrive(aux("depth0", 3, 0));
        rounds.arrive(aux("depth0", 36, 1));
        rounds.arrive(rgb(0, 0));
        rounds.arrive(aux("depth0", 69, 2));
        rounds.arrive(rgb(66, 2));
        rounds.arrive(rgb(33, 1));
        rounds.arrive(aux("depth0", 102, 3));
        rounds.arrive(rgb(99, 3));
        rounds.forceRest();

        assertThat(rounds.pairs)
                .containsExactly("rgb0#0+depth0#0", "rgb0#1+depth0#1", "rgb0#2+depth0#2", "rgb0#3+depth0#3");
        assertThat(rounds.unmatchedRgb).isEmpty();
    }

    @Test
    void decisionsAreMadeOnlyOncePerFrameAcrossRounds() {
        Rounds rounds = new Rounds();
        for (int i = 0; i < 50; i++) {
            rounds.arrive(rgb(i * 33, i));
            rounds.arrive(aux("depth0", i * 33 + (i % 7) * 3 - 9, i)); // jitter from -9 to +9 ms
        }
        rounds.forceRest();

        assertThat(rounds.pairs).hasSize(50).doesNotHaveDuplicates();
        assertThat(rounds.pairs.stream().map(p -> p.substring(0, p.indexOf('+'))))
                .doesNotHaveDuplicates();
    }

    @Test
    void forceAllDecidesEverythingWhateverTheClocks() {
        Decisions decisions = FrameMatcher.decide(
                List.of(aux("depth0", 0, 0), rgb(5, 0), rgb(40, 1)), at(5), ARRIVED, true, RULES, TOLERANCE);

        assertThat(pairs(decisions)).containsExactly("rgb0#0+depth0#0");
        assertThat(decisions.settledRgb()).hasSize(2);
        assertThat(decisions.unmatchedRgb()).extracting(PendingFrame::sequence).containsExactly(1L);
        assertThat(decisions.remaining()).isEmpty();
    }

    @Test
    void aFrameThatHasWaitedTheMaximumWallClockTimeIsDecided() {
        List<PendingFrame> frames = List.of(aux("depth0", 0, 0));

        assertThat(FrameMatcher.decide(frames, at(0), ARRIVED + 1_999, false, RULES, TOLERANCE)
                        .matches())
                .isEmpty();
        assertThat(pairs(FrameMatcher.decide(frames, at(0), ARRIVED + 2_000, false, RULES, TOLERANCE)))
                .containsExactly("-+depth0#0");
    }

    @Test
    void eachNonRgbSensorPairsWithTheRgbFrameOnItsOwn() {
        Decisions decisions = decideAllReady(
                List.of(rgb(0, 0), aux("depth0", 3, 0), aux("thermal0", -4, 0), rgb(33, 1), aux("thermal0", 29, 1)));

        assertThat(pairs(decisions))
                .containsExactlyInAnyOrder("rgb0#0+depth0#0", "rgb0#0+thermal0#0", "rgb0#1+thermal0#1");
        assertThat(decisions.settledRgb())
                .extracting(PendingFrame::pairedWith)
                .containsExactly(Set.of("depth0", "thermal0"), Set.of("thermal0"));
    }

    @Test
    void anRgbFrameServesEachSensorOnlyOnce() {
        // A 60 fps depth sensor puts two frames near one RGB frame; only the nearer one gets it.
        Decisions decisions = decideAllReady(List.of(rgb(0, 0), aux("depth0", -8, 0), aux("depth0", 2, 1)));

        assertThat(pairs(decisions)).containsExactly("-+depth0#0", "rgb0#0+depth0#1");
    }

    @Test
    void anRgbFrameAlreadyTakenBySensorIsNotOfferedToItAgain() {
        PendingFrame taken = rgb(0, 0).pairedWith("depth0");

        Decisions decisions = decideAllReady(List.of(taken, aux("depth0", 1, 1), aux("thermal0", 1, 0)));

        assertThat(pairs(decisions)).containsExactlyInAnyOrder("-+depth0#1", "rgb0#0+thermal0#0");
    }

    @Test
    void lateMeansTheStreamTimeIsAlreadyPastTheFramesDecisionPoint() {
        assertThat(FrameMatcher.isLate(aux("depth0", 0, 0), at(70), RULES, TOLERANCE))
                .isFalse();
        assertThat(FrameMatcher.isLate(aux("depth0", 0, 0), at(70) + 1, RULES, TOLERANCE))
                .isTrue();
        assertThat(FrameMatcher.isLate(aux("depth0", 100, 0), at(50), RULES, TOLERANCE))
                .isFalse();
        assertThat(FrameMatcher.isLate(rgb(0, 0), Long.MIN_VALUE, RULES, TOLERANCE))
                .isFalse();
    }

    @Test
    void eachSensorPairsWithinItsOwnTolerance() {
        FrameMatcher.Tolerances tolerances = new FrameMatcher.Tolerances(Map.of("thermal0", 55_000L), 20_000);
        List<PendingFrame> frames = List.of(rgb(0, 0), aux("depth0", 30, 0), aux("thermal0", 50, 0));

        Decisions decisions = FrameMatcher.decide(frames, at(1_000), ARRIVED, false, RULES, tolerances);

        assertThat(pairs(decisions)).containsExactly("-+depth0#0", "rgb0#0+thermal0#0");
    }

    @Test
    void aFrameWaitsForItsOwnToleranceAndAnRgbFrameForTheWidest() {
        FrameMatcher.Tolerances tolerances = new FrameMatcher.Tolerances(Map.of("thermal0", 55_000L), 20_000);
        List<PendingFrame> frames = List.of(aux("depth0", 0, 0), aux("thermal0", 0, 0), rgb(0, 0));

        // At 70 ms + 1 µs the depth frame (20 + 50 ms) is due, the thermal frame (55 + 50 ms) is not.
        Decisions first = FrameMatcher.decide(frames, at(70) + 1, ARRIVED, false, RULES, tolerances);
        assertThat(pairs(first)).containsExactly("rgb0#0+depth0#0");
        assertThat(first.remaining()).hasSize(2);

        Decisions second = FrameMatcher.decide(first.remaining(), at(105) + 1, ARRIVED, false, RULES, tolerances);
        assertThat(pairs(second)).containsExactly("rgb0#0+thermal0#0");
        assertThat(second.settledRgb()).singleElement().satisfies(r -> assertThat(r.pairedWith())
                .containsExactly("depth0", "thermal0"));
        assertThat(FrameMatcher.decisionDelayMicros(rgb(0, 0), RULES, tolerances))
                .isEqualTo(105_000);
        assertThat(FrameMatcher.isLate(aux("depth0", 0, 1), at(100), RULES, tolerances))
                .isTrue();
        assertThat(FrameMatcher.isLate(aux("thermal0", 0, 1), at(100), RULES, tolerances))
                .isFalse();
    }

    @Test
    void anRgbFrameStaysAvailableForTheWidestToleranceEvenOfASensorNotHeardFromYet() {
        FrameMatcher.Tolerances tolerances = new FrameMatcher.Tolerances(Map.of("depth0", 10_000L), 30_000);

        Decisions decisions = FrameMatcher.decide(List.of(rgb(0, 0)), at(70), ARRIVED, false, RULES, tolerances);

        assertThat(decisions.settledRgb()).as("30 + 50 ms not passed yet").isEmpty();
        assertThat(FrameMatcher.decide(List.of(rgb(0, 0)), at(80) + 1, ARRIVED, false, RULES, tolerances)
                        .settledRgb())
                .hasSize(1);
    }

    /**
     * The drift scenario's device with every sensor (RGB and depth at 10 fps, thermal at 9 fps, skews and jitters as
     * there) for a minute, its frames arriving in capture order, once with the former fixed 20 ms and once with the
     * default rule. A fixed 20 ms pairs only the thermal frames whose offset to the nearest RGB frame (sweeping
     * 0-50 ms) is under 20 ms, about 40%; half the slower sensor's period pairs nearly all.
     */
    @Test
    void atNineAgainstTenFramesPerSecondTheDefaultPairsNearlyEveryThermalFrame() {
        List<PendingFrame> frames = driftDevice(new Random(20240917), 60);
        long thermal =
                frames.stream().filter(f -> f.sensorId().equals("thermal0")).count();
        long depth = frames.stream().filter(f -> f.sensorId().equals("depth0")).count();

        Replay fixed = Replay.of(frames, ToleranceRule.fixed(20_000));
        Replay auto = Replay.of(frames, FrameSyncConfig.defaults().toleranceRule());

        double fixedThermal = (double) fixed.paired("thermal0") / thermal;
        double autoThermal = (double) auto.paired("thermal0") / thermal;
        double fixedDepth = (double) fixed.paired("depth0") / depth;
        double autoDepth = (double) auto.paired("depth0") / depth;
        System.out.printf(
                Locale.ROOT,
                "9 vs 10 fps, %d thermal and %d depth frames: paired share thermal %.1f%% at a fixed 20 ms, %.1f%% by "
                        + "default; depth %.1f%% and %.1f%%.%n",
                thermal,
                depth,
                100 * fixedThermal,
                100 * autoThermal,
                100 * fixedDepth,
                100 * autoDepth);
        assertThat(fixedThermal).isBetween(0.3, 0.5);
        assertThat(autoThermal).isGreaterThanOrEqualTo(0.95);
        assertThat(fixedDepth).isGreaterThanOrEqualTo(0.99);
        assertThat(autoDepth).isGreaterThanOrEqualTo(0.99);
        assertThat(auto.maxThermalSkewMicros).isGreaterThan(20_000).isLessThanOrEqualTo(56_000);
        for (Replay replay : List.of(fixed, auto)) {
            assertThat(replay.decidedAux).hasSize((int) (thermal + depth)).doesNotHaveDuplicates();
            assertThat(replay.rgbUses).as("an RGB frame once per sensor").doesNotHaveDuplicates();
        }
    }

    @Test
    void decidingEarlyChangesNoPairAndSparesAlmostAllTheWait() {
        List<PendingFrame> frames = driftDevice(new Random(7), 60);
        ToleranceRule rule = FrameSyncConfig.defaults().toleranceRule();

        Replay waiting = Replay.of(frames, rule, false);
        Replay early = Replay.of(frames, rule, true);

        System.out.printf(
                Locale.ROOT,
                "wait past capture (stream time), median / thermal p50, p90: %d / %d, %d ms by stream time alone,"
                        + " %d / %d, %d ms deciding early%n",
                waiting.medianWaitMillis(),
                waiting.waitMillis("thermal0", 0.5),
                waiting.waitMillis("thermal0", 0.9),
                early.medianWaitMillis(),
                early.waitMillis("thermal0", 0.5),
                early.waitMillis("thermal0", 0.9));
        assertThat(early.pairs).containsExactlyInAnyOrderElementsOf(waiting.pairs);
        assertThat(waiting.medianWaitMillis()).isGreaterThanOrEqualTo(100); // tolerance 50 + grace 50, then a frame
        assertThat(early.medianWaitMillis()).isLessThanOrEqualTo(10);
        // Thermal (9 fps against RGB's 10) often has to see the next RGB frame to know which is nearer: at most a
        // period.
        assertThat(early.waitMillis("thermal0", 0.9)).isLessThan(waiting.waitMillis("thermal0", 0.5));
    }

    @Test
    void whileTheRgbCameraIsOutItsPartnersGoAloneAtOnce() {
        // Ten seconds without RGB frames (a camera out) in a minute of a drift device.
        List<PendingFrame> frames = new ArrayList<>(driftDevice(new Random(5), 60));
        frames.removeIf(f -> f.rgb() && f.captureMicros() >= at(20_000) && f.captureMicros() < at(30_000));
        ToleranceRule rule = FrameSyncConfig.defaults().toleranceRule();

        Replay waiting = Replay.of(frames, rule, false);
        Replay early = Replay.of(frames, rule, true);

        long stoppedAfterMillis = STOPPED_AFTER / 1_000;
        List<Long> waitingOut = waitsBetween(waiting, at(20_000 + stoppedAfterMillis), at(29_900));
        List<Long> earlyOut = waitsBetween(early, at(20_000 + stoppedAfterMillis), at(29_900));
        System.out.printf(
                Locale.ROOT,
                "camera out: non-RGB frames' wait past capture, p50 / max: %d / %d ms by stream time alone, %d / %d ms"
                        + " deciding early%n",
                waitingOut.get(waitingOut.size() / 2),
                waitingOut.get(waitingOut.size() - 1),
                earlyOut.get(earlyOut.size() / 2),
                earlyOut.get(earlyOut.size() - 1));
        assertThat(waitingOut.get(0)).isGreaterThanOrEqualTo(100); // tolerance + grace past capture
        // Decided as they come: a frame waits only for frames of the device's other sensors captured before it.
        assertThat(earlyOut.get(earlyOut.size() - 1)).isLessThanOrEqualTo(15);
        // The camera's first frames back may find that a non-RGB frame just before them has already gone alone: at most
        // one such pair per non-RGB sensor; every other pair is the same.
        List<String> lost = new ArrayList<>(waiting.pairs);
        lost.removeAll(early.pairs);
        assertThat(lost).hasSizeLessThanOrEqualTo(2).allMatch(p -> p.startsWith("rgb0#"));
        assertThat(early.decidedAux).containsExactlyInAnyOrderElementsOf(waiting.decidedAux);
    }

    @Test
    void aSensorThatFellSilentWhileItsDeviceWentOnHasStoppedUntilItSendsAgain() {
        DeviceState state = new DeviceState();
        for (int n = 0; n < 10; n++) {
            see(state, "rgb0", Modality.RGB, n, 100 * n);
            see(state, "depth0", Modality.DEPTH, n, 100 * n + 4);
        }
        assertThat(state.horizons(STOPPED_AFTER).stopped()).isEmpty();
        for (int n = 10; n < 16; n++) { // the camera sends nothing from 1 s on
            see(state, "depth0", Modality.DEPTH, n, 100 * n + 4);
        }
        assertThat(state.horizons(STOPPED_AFTER).stopped())
                .as("silent for 604 ms")
                .containsExactly("rgb0");
        assertThat(state.horizons(700_000).stopped())
                .as("not yet past a longer setting")
                .isEmpty();
        see(state, "rgb0", Modality.RGB, 16, 1_600);
        assertThat(state.horizons(STOPPED_AFTER).stopped()).isEmpty();
    }

    private static void see(DeviceState state, String sensor, Modality modality, long sequence, long millis) {
        state.firstSighting(sensor, sequence, at(millis), 1_024);
        state.observe(sensor, modality, at(millis));
        state.advanceClock(at(millis));
    }

    /** The waits, in ms and in order, of the replay's non-RGB frames captured in [from, to). */
    private static List<Long> waitsBetween(Replay replay, long fromMicros, long toMicros) {
        return replay.waitedMicrosByCapture.entrySet().stream()
                .filter(e -> e.getKey() >= fromMicros && e.getKey() < toMicros)
                .map(e -> e.getValue() / 1_000)
                .sorted()
                .toList();
    }

    @Test
    void framesLostOrOutOfOrderMakeTheirNeighboursWaitButChangeNoPair() {
        Random random = new Random(11);
        List<PendingFrame> frames = new ArrayList<>(driftDevice(random, 60));
        frames.removeIf(f -> random.nextDouble() < 0.05); // lost before Kafka: gaps in the sequence numbers
        for (int i = 0; i + 1 < frames.size(); i++) { // neighbours swapped: out of order, well within the grace
            if (random.nextDouble() < 0.05
                    && frames.get(i + 1).captureMicros() - frames.get(i).captureMicros() < 30_000) {
                frames.set(i, frames.set(i + 1, frames.get(i)));
                i++;
            }
        }
        ToleranceRule rule = FrameSyncConfig.defaults().toleranceRule();

        Replay waiting = Replay.of(frames, rule, false);
        Replay early = Replay.of(frames, rule, true);

        assertThat(early.pairs).containsExactlyInAnyOrderElementsOf(waiting.pairs);
        assertThat(early.medianWaitMillis()).isLessThan(waiting.medianWaitMillis());
    }

    @Test
    void aSensorsHorizonEndsWhereItsNextFrameCouldComeAndStartsAfterItsLastMissingOne() {
        DeviceState state = new DeviceState();
        long[] captures = {0, 100, 205, 300, 400}; // intervals 100, 105, 95, 100: period 100, shortest 95
        for (int n = 0; n < captures.length; n++) {
            state.firstSighting("rgb0", n, at(captures[n]), 1_024);
            state.observe("rgb0", Modality.RGB, at(captures[n]));
        }
        FrameMatcher.Horizon all = state.horizons(STOPPED_AFTER).of("rgb0");
        assertThat(all.fromMicros()).as("every frame since the first").isEqualTo(Long.MIN_VALUE);
        // The next frame comes no sooner than 95 - (100 - 95) - 1 = 89 ms after the newest.
        assertThat(all.throughMicros()).isEqualTo(at(400 + 89));
        assertThat(state.horizons(STOPPED_AFTER).rgbSensors()).containsExactly("rgb0");

        state.firstSighting("rgb0", 6, at(600), 1_024); // frame 5 is missing
        state.observe("rgb0", Modality.RGB, at(600));
        FrameMatcher.Horizon broken = state.horizons(STOPPED_AFTER).of("rgb0");
        assertThat(broken.covers(at(590), at(600))).isTrue();
        assertThat(broken.covers(at(500), at(600)))
                .as("frame 5, about 500 ms, may still come")
                .isFalse();
    }

    @Test
    void aFrameWhoseRivalMayStillComeNearerToItsPartnerWaits() {
        // Depth at 30 fps against RGB at 10: depth#1 (33 ms) is 67 ms from rgb#1 (100 ms) and out of reach; depth#2
        // (66 ms) is 34 ms from it, but depth#3, due at about 100 ms, would be nearer: depth#2 must not take rgb#1 yet.
        DeviceState state = new DeviceState();
        List<PendingFrame> frames = new ArrayList<>();
        for (int n = 0; n <= 3; n++) {
            frames.add(rgb(100 * n, n));
        }
        for (int n = 0; n <= 2; n++) {
            frames.add(aux("depth0", 33 * n, n));
        }
        for (PendingFrame f : frames) {
            state.firstSighting(f.sensorId(), f.sequence(), f.captureMicros(), 1_024);
            state.observe(f.sensorId(), f.rgb() ? Modality.RGB : Modality.DEPTH, f.captureMicros());
        }
        FrameMatcher.Tolerances tolerance = FrameMatcher.Tolerances.uniform(50_000);
        List<PendingFrame> pending =
                frames.stream().filter(f -> !f.rgb() || f.sequence() <= 1).toList();

        Decisions decisions =
                FrameMatcher.decide(pending, at(66), ARRIVED, false, RULES, tolerance, state.horizons(STOPPED_AFTER));

        // depth#0 has rgb#0 and nothing nearer can come; depth#1 has no partner left within reach and goes alone only
        // once its own sensor has nothing missing around it, which it has not yet shown (depth#3 is still to come).
        assertThat(pairs(decisions)).containsExactly("rgb0#0+depth0#0");
        assertThat(decisions.remaining())
                .extracting(PendingFrame::key)
                .contains(aux("depth0", 66, 2).key());
    }

    /**
     * Replays arrivals the way the processor does, tolerances and all: each frame teaches the device state its
     * sensor's period, moves stream time on, then one round runs with the tolerances the state gives. Checks the
     * invariants as it goes: no frame late, every pair within the tolerance of the round that made it.
     */
    private static final class Replay {
        final List<String> decidedAux = new ArrayList<>();
        final List<String> rgbUses = new ArrayList<>();
        final Map<String, Integer> pairedBySensor = new HashMap<>();
        final List<String> pairs = new ArrayList<>();
        /** Per decided non-RGB frame (not forced at the end): how far stream time was past its capture, µs. */
        final List<Long> waitedMicros = new ArrayList<>();

        final Map<String, List<Long>> waitedMicrosBySensor = new HashMap<>();
        /** Per decided non-RGB frame (not forced at the end): its capture time and its wait past it, µs. */
        final Map<Long, Long> waitedMicrosByCapture = new HashMap<>();

        long maxThermalSkewMicros;
        private final ToleranceRule rule;
        private final boolean early;
        private final DeviceState state = new DeviceState();
        private List<PendingFrame> waiting = new ArrayList<>();

        private Replay(ToleranceRule rule, boolean early) {
            this.rule = rule;
            this.early = early;
        }

        static Replay of(List<PendingFrame> arrivals, ToleranceRule rule) {
            return of(arrivals, rule, false);
        }

        /** @param early decide early where the device's sequence numbers and periods allow */
        static Replay of(List<PendingFrame> arrivals, ToleranceRule rule, boolean early) {
            Replay replay = new Replay(rule, early);
            arrivals.forEach(replay::arrive);
            replay.round(true);
            assertThat(replay.waiting).isEmpty();
            return replay;
        }

        int paired(String sensor) {
            return pairedBySensor.getOrDefault(sensor, 0);
        }

        long medianWaitMillis() {
            return waitedMicros.stream().sorted().toList().get(waitedMicros.size() / 2) / 1_000;
        }

        long waitMillis(String sensor, double quantile) {
            List<Long> sorted =
                    waitedMicrosBySensor.get(sensor).stream().sorted().toList();
            return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size()))) / 1_000;
        }

        private void arrive(PendingFrame frame) {
            state.firstSighting(frame.sensorId(), frame.sequence(), frame.captureMicros(), 1_024);
            state.observe(frame.sensorId(), modality(frame.sensorId()), frame.captureMicros());
            assertThat(FrameMatcher.isLate(frame, state.streamTimeMicros(), RULES, state.tolerances(rule)))
                    .as("%s is late", frame)
                    .isFalse();
            state.advanceClock(frame.captureMicros());
            waiting.add(frame);
            round(false);
        }

        private void round(boolean forceAll) {
            FrameMatcher.Tolerances tolerances = state.tolerances(rule);
            Decisions decisions = FrameMatcher.decide(
                    waiting,
                    state.streamTimeMicros(),
                    ARRIVED,
                    forceAll,
                    RULES,
                    tolerances,
                    early ? state.horizons(STOPPED_AFTER) : FrameMatcher.Horizons.NONE);
            pairs.addAll(pairs(decisions));
            for (Match match : decisions.matches()) {
                String sensor = match.aux().sensorId();
                decidedAux.add(sensor + "#" + match.aux().sequence());
                if (!forceAll) {
                    long waited = state.streamTimeMicros() - match.aux().captureMicros();
                    waitedMicros.add(waited);
                    waitedMicrosByCapture.put(match.aux().captureMicros(), waited);
                    waitedMicrosBySensor
                            .computeIfAbsent(sensor, k -> new ArrayList<>())
                            .add(waited);
                }
                if (match.hasRgb()) {
                    long skew = Math.abs(match.skewMicros());
                    assertThat(skew).isLessThanOrEqualTo(tolerances.of(sensor));
                    pairedBySensor.merge(sensor, 1, Integer::sum);
                    rgbUses.add(match.rgb().sequence() + "+" + sensor);
                    if (sensor.equals("thermal0")) {
                        maxThermalSkewMicros = Math.max(maxThermalSkewMicros, skew);
                    }
                }
            }
            waiting = new ArrayList<>(decisions.remaining());
        }

        private static Modality modality(String sensor) {
            return switch (sensor) {
                case "rgb0" -> Modality.RGB;
                case "depth0" -> Modality.DEPTH;
                default -> Modality.THERMAL;
            };
        }
    }

    /** The frames of {@code seconds} of a drift-scenario device with RGB, depth and thermal, in capture order. */
    private static List<PendingFrame> driftDevice(Random random, int seconds) {
        List<PendingFrame> frames = new ArrayList<>();
        sensor(frames, random, "rgb0", true, 10, seconds, 0, 2_000);
        sensor(frames, random, "depth0", false, 10, seconds, 4_000, 3_000);
        sensor(frames, random, "thermal0", false, 9, seconds, -6_000, 3_000);
        frames.sort(PendingFrame.TIME_ORDER);
        return frames;
    }

    private static void sensor(
            List<PendingFrame> into,
            Random random,
            String sensor,
            boolean rgb,
            int fps,
            int seconds,
            long skewMicros,
            long jitterMicros) {
        for (int n = 0; n < fps * seconds; n++) {
            long jitter = Math.round((random.nextDouble() * 2 - 1) * jitterMicros);
            long micros = n * 1_000_000L / fps + skewMicros + jitter;
            into.add(new PendingFrame("cam-1", sensor, rgb, T0 + micros, n, ARRIVED, Set.of()));
        }
    }

    /** Replays arrivals the way the processor does: each frame moves stream time on, then one round runs. */
    private static final class Rounds {
        final List<String> pairs = new ArrayList<>();
        final List<PendingFrame> unmatchedRgb = new ArrayList<>();
        private List<PendingFrame> waiting = new ArrayList<>();
        private long streamTime = Long.MIN_VALUE;

        void arrive(PendingFrame frame) {
            assertThat(FrameMatcher.isLate(frame, streamTime, RULES, TOLERANCE))
                    .as("%s is late", frame)
                    .isFalse();
            streamTime = Math.max(streamTime, frame.captureMicros());
            waiting.add(frame);
            take(FrameMatcher.decide(waiting, streamTime, ARRIVED, false, RULES, TOLERANCE));
        }

        void forceRest() {
            take(FrameMatcher.decide(waiting, streamTime, ARRIVED, true, RULES, TOLERANCE));
            assertThat(waiting).isEmpty();
        }

        private void take(Decisions decisions) {
            pairs.addAll(pairs(decisions));
            unmatchedRgb.addAll(decisions.unmatchedRgb());
            waiting = new ArrayList<>(decisions.remaining());
        }
    }

    private static Decisions decideAllReady(List<PendingFrame> frames) {
        long newest =
                frames.stream().mapToLong(PendingFrame::captureMicros).max().orElseThrow();
        return FrameMatcher.decide(frames, newest + 1_000_000, ARRIVED, false, RULES, TOLERANCE);
    }

    private static List<String> pairs(Decisions decisions) {
        return decisions.matches().stream()
                .map(m -> (m.hasRgb() ? m.rgb().sensorId() + "#" + m.rgb().sequence() : "-") + "+"
                        + m.aux().sensorId() + "#" + m.aux().sequence())
                .toList();
    }

    private static long at(long millis) {
        return T0 + millis * 1_000;
    }

    private static PendingFrame rgb(long millis, long sequence) {
        return rgbMicros(millis * 1_000, sequence);
    }

    private static PendingFrame aux(String sensor, long millis, long sequence) {
        return auxMicros(sensor, millis * 1_000, sequence);
    }

    private static PendingFrame rgbMicros(long micros, long sequence) {
        return new PendingFrame("cam-1", "rgb0", true, T0 + micros, sequence, ARRIVED, Set.of());
    }

    private static PendingFrame auxMicros(String sensor, long micros, long sequence) {
        return new PendingFrame("cam-1", sensor, false, T0 + micros, sequence, ARRIVED, Set.of());
    }
}
