package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.RouteReason;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.zeroshot.RoutingRules;
import dev.edgevl.model.zeroshot.TokenBucket;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModalityPriorityTest {
    private static Map<String, Double> figures(double depth, double thermal, double pairs) {
        return Map.of(
                "gate.vsLive.DEPTH.uniformCandidate", depth,
                "gate.vsLive.DEPTH.uniformPairs", pairs,
                "gate.vsLive.THERMAL.uniformCandidate", thermal,
                "gate.vsLive.THERMAL.uniformPairs", pairs);
    }

    @Test
    void theWeakestModalityGetsPriorityOneAndTheOthersInProportion() {
        ModalityPriority p = ModalityPriority.from(figures(0.45, 0.20, 60));
        assertThat(p.of(Modality.THERMAL)).isEqualTo(1.0);
        assertThat(p.of(Modality.DEPTH)).isCloseTo(0.25 / 0.50, within(1e-9));
        assertThat(ModalityPriority.from(figures(0.3, 0.3, 60)).of(Modality.DEPTH))
                .as("equal figures, equal priority")
                .isEqualTo(1.0);
    }

    @Test
    void withoutFiguresOnEnoughPairsEveryModalityIsAlike() {
        assertThat(ModalityPriority.from(Map.of())).isEqualTo(ModalityPriority.UNIFORM);
        assertThat(ModalityPriority.from(figures(0.45, 0.20, 10)).of(Modality.DEPTH))
                .as("judged on too few pairs")
                .isEqualTo(1.0);
        assertThat(ModalityPriority.from(Map.of(
                                "gate.vsLive.DEPTH.uniformCandidate", 0.5, "gate.vsLive.DEPTH.uniformPairs", 90.0))
                        .of(Modality.DEPTH))
                .as("one modality: nothing to favour")
                .isEqualTo(1.0);
        assertThat(ModalityPriority.from(Map.of(
                        "gate.vsLive.DEPTH.candidate", 0.38,
                        "gate.vsLive.DEPTH.pairs", 90.0,
                        "gate.vsLive.THERMAL.candidate", 0.61,
                        "gate.vsLive.THERMAL.pairs", 90.0)))
                .as(
                        "figures on all held-out pairs, mostly the frames a student was unsure of, are not a measure of weakness")
                .isEqualTo(ModalityPriority.UNIFORM);
    }

    @Test
    void uncertainFramesOfAStrongModalityAreEligibleAtTheirPriorityAndExplorationAlways() {
        RoutingPolicy policy = new RoutingPolicy(new RoutingRules(1.0, 1.0, false), 0.05);
        ModalityPriority depthAtThird = new ModalityPriority(Map.of(Modality.DEPTH, 1.0 / 3));
        int eligible = 0;
        int explored = 0;
        int n = 6000;
        for (long seq = 0; seq < n; seq++) {
            PendingFrame frame = frame("dev-a", seq);
            Set<RouteReason> reasons = EnumSet.of(RouteReason.LOW_MARGIN);
            if (policy.explores("dev-a", "depth0", seq)) {
                reasons.add(RouteReason.EXPLORATION);
                explored++;
                assertThat(policy.ask(frame, reasons, depthAtThird))
                        .as("an exploration pick may use the reserve")
                        .isEqualTo(TokenBucket.Ask.ANY);
            } else if (policy.ask(frame, reasons, depthAtThird) != TokenBucket.Ask.NONE) {
                assertThat(policy.ask(frame, reasons, depthAtThird)).isEqualTo(TokenBucket.Ask.SPARE);
                eligible++;
            }
            assertThat(policy.ask(frame, reasons, depthAtThird))
                    .as("the same frame, the same decision")
                    .isEqualTo(policy.ask(frame("dev-a", seq), reasons, depthAtThird));
            assertThat(policy.ask(frame, EnumSet.noneOf(RouteReason.class), ModalityPriority.UNIFORM))
                    .isEqualTo(TokenBucket.Ask.NONE);
            assertThat(policy.ask(frame, reasons, ModalityPriority.UNIFORM)).isNotEqualTo(TokenBucket.Ask.NONE);
        }
        assertThat((double) eligible / (n - explored)).isCloseTo(1.0 / 3, within(0.03));
        assertThat((double) explored / n).as("exploration: a uniform 5%").isCloseTo(0.05, within(0.01));
    }

    private static PendingFrame frame(String device, long seq) {
        FramePair pair = TestWorld.pair(device, seq, true);
        return new PendingFrame(device, pair, InputSpec.of(16, 16), new float[1], new float[1], 0);
    }
}
