package dev.edgevl.model.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.RouteReason;
import org.junit.jupiter.api.Test;

class RoutingRulesTest {

    private final RoutingRules rules = new RoutingRules(0.2, 0.75, true);

    @Test
    void aSureFrameTripsNothing() {
        assertThat(rules.reasons(new Uncertainty(0.9, 0.1, false))).isEmpty();
        assertThat(rules.uncertain(new Uncertainty(0.9, 0.1, null))).isFalse();
    }

    @Test
    void eachRuleNamesItsReasonInEnumOrder() {
        assertThat(rules.reasons(new Uncertainty(0.1, 0.1, null))).containsExactly(RouteReason.LOW_MARGIN);
        assertThat(rules.reasons(new Uncertainty(0.9, 0.8, null))).containsExactly(RouteReason.HIGH_ENTROPY);
        assertThat(rules.reasons(new Uncertainty(0.9, 0.1, true))).containsExactly(RouteReason.MODALITY_DISAGREEMENT);
        assertThat(rules.reasons(new Uncertainty(0.0, 1.0, true)))
                .containsExactly(RouteReason.LOW_MARGIN, RouteReason.HIGH_ENTROPY, RouteReason.MODALITY_DISAGREEMENT);
    }

    @Test
    void thresholdsAreStrictAndRulesCanBeTurnedOff() {
        assertThat(rules.reasons(new Uncertainty(0.2, 0.75, false))).isEmpty();
        RoutingRules off = new RoutingRules(0, 1, false);
        assertThat(off.reasons(new Uncertainty(0, 1, true))).isEmpty();
    }

    @Test
    void thresholdsOutsideZeroToOneAreRejected() {
        assertThatThrownBy(() -> new RoutingRules(-0.1, 0.5, true)).hasMessageContaining("minMargin");
        assertThatThrownBy(() -> new RoutingRules(0.1, Double.NaN, true)).hasMessageContaining("maxEntropy");
    }
}
