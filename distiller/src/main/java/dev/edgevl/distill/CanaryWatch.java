package dev.edgevl.distill;

import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.RouteReason;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.bundle.Rollouts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A canary under watch: its {@code models} record, since when it runs, and the teacher pairs its devices routed since
 * then (pairs the canary never trained on, scored by the version those devices ran). The distiller's lock guards it;
 * {@link #decide} is the pure rule.
 */
final class CanaryWatch {
    /** The newest canary pairs kept; more would only slow the judgement. */
    static final int MAX_PAIRS = 2000;

    enum Decision {
        WATCH,
        PROMOTE,
        ROLL_BACK
    }

    /**
     * One judgement of the canary against the fleet-wide version on the canary's pairs.
     *
     * @param vsFleet the canary (candidate) and the fleet-wide version (other), pair by pair
     * @param canaryConfidence the canary's mean top-1 probability on the pairs' non-RGB frames, a label-free signal
     * @param fleetConfidence the fleet-wide version's on the same frames
     */
    record Judgement(
            Decision decision,
            PairedAgreement vsFleet,
            double canaryConfidence,
            double fleetConfidence,
            Duration elapsed,
            boolean inconclusive) {

        /** The {@code rollout.*} figures for the records that end the canary. */
        Map<String, Double> metrics(ModelVersion canary) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("rollout.pairs", (double) vsFleet.n());
            m.put("rollout.canaryAgreement", vsFleet.candidateRate());
            m.put("rollout.fleetAgreement", vsFleet.otherRate());
            m.put("rollout.pAtLeastAsGood", vsFleet.pAtLeastAsGood());
            m.put("rollout.canaryConfidence", canaryConfidence);
            m.put("rollout.fleetConfidence", fleetConfidence);
            m.put("rollout.seconds", elapsed.toMillis() / 1000.0);
            m.put("rollout.canaryDevices", (double) canary.getRollout().getCanaryDevices());
            m.put("rollout.knownDevices", (double) canary.getRollout().getKnownDevices());
            m.put("rollout.inconclusive", inconclusive ? 1.0 : 0.0);
            return m;
        }

        /** The sentence the log line and the record's reason carry. */
        String reason(ModelVersion canary, long fleetVersion) {
            String figures = String.format(
                    "on %d pairs its devices routed in %d s, v%d agreed with the teacher on %.3f and the fleet's v%d on"
                            + " %.3f (p %.3f that it is at least as good); mean confidence %.3f vs %.3f",
                    vsFleet.n(),
                    elapsed.toSeconds(),
                    canary.getVersion(),
                    vsFleet.candidateRate(),
                    fleetVersion,
                    vsFleet.otherRate(),
                    vsFleet.pAtLeastAsGood(),
                    canaryConfidence,
                    fleetConfidence);
            return switch (decision) {
                case ROLL_BACK -> "worse than the fleet-wide version: " + figures;
                case PROMOTE ->
                    inconclusive
                            ? "too few pairs to judge before distill.rollout.max-watch; promoted on the gate's verdict alone: "
                                    + figures
                            : "held up: " + figures;
                case WATCH -> "still watching: " + figures;
            };
        }
    }

    private final ModelVersion record;
    private final Instant started;
    private final ArrayDeque<ReplayBuffer.Sample> pairs = new ArrayDeque<>();
    private Instant lastJudged;

    CanaryWatch(ModelVersion record, Instant started) {
        if (!Rollouts.isActiveCanary(record)) {
            throw new IllegalArgumentException("v" + record.getVersion() + " is not a running canary");
        }
        this.record = record;
        this.started = started;
        this.lastJudged = started;
    }

    ModelVersion record() {
        return record;
    }

    long version() {
        return record.getVersion();
    }

    Instant started() {
        return started;
    }

    /**
     * Keeps a usable teacher pair when its device is in the canary, it was routed after the canary started, and not
     * because a student was unsure of it: the stream job routes the canary's devices by exploration alone (a uniform
     * sample), and a pair the canary itself picked as uncertain would be a sample of its own mistakes.
     */
    void offer(TeacherEmbedding embedding, ReplayBuffer.Sample sample) {
        String device = embedding.getPair().getDeviceId();
        Instant routed = embedding.getRequestTime() != null ? embedding.getRequestTime() : embedding.getEmbeddedTime();
        if (routed.isBefore(started)
                || !Rollouts.inCanary(device, record.getRollout().getThreshold())) {
            return;
        }
        if (embedding.getReasons().stream().anyMatch(r -> r != RouteReason.EXPLORATION)) {
            return;
        }
        pairs.addLast(sample);
        if (pairs.size() > MAX_PAIRS) {
            pairs.removeFirst();
        }
    }

    List<ReplayBuffer.Sample> pairs() {
        return List.copyOf(pairs);
    }

    /** Whether a judgement is due: a quarter of the watch since the last one, with enough pairs or past the longest watch. */
    boolean due(DistillerConfig.Rollout rollout, Instant now) {
        Duration sinceLast = Duration.between(lastJudged, now);
        Duration elapsed = Duration.between(started, now);
        if (sinceLast.compareTo(rollout.watch().dividedBy(4)) < 0) {
            return false;
        }
        return pairs.size() >= rollout.minPairs() || elapsed.compareTo(rollout.maxWatch()) >= 0;
    }

    void judged(Instant now) {
        lastJudged = now;
    }

    /**
     * The rule. Roll back as soon as the canary's devices sent {@code minPairs} pairs and the paired test shows the
     * canary agreeing with the teacher less often than the fleet-wide version ({@code pAtLeastAsGood < alpha}); go
     * fleet-wide once the watch is over with that many pairs and no such evidence. Past {@code maxWatch} with fewer
     * pairs, roll back only on that evidence (with at least 10 pairs), else go fleet-wide, inconclusive.
     */
    static Decision decide(DistillerConfig.Rollout rollout, double alpha, PairedAgreement vsFleet, Duration elapsed) {
        boolean enough = vsFleet.n() >= rollout.minPairs();
        boolean worse = vsFleet.n() >= 10 && vsFleet.pAtLeastAsGood() < alpha;
        if (enough && worse) {
            return Decision.ROLL_BACK;
        }
        if (enough && elapsed.compareTo(rollout.watch()) >= 0) {
            return Decision.PROMOTE;
        }
        if (elapsed.compareTo(rollout.maxWatch()) >= 0) {
            return worse ? Decision.ROLL_BACK : Decision.PROMOTE;
        }
        return Decision.WATCH;
    }
}
