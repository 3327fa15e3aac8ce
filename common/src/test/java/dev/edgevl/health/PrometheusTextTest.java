package dev.edgevl.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test parser refuses what Prometheus refuses, or the scrape tests that lean on it prove nothing. */
class PrometheusTextTest {
    @Test
    void readsFamiliesSamplesLabelsAndSpecialValues() {
        PrometheusText text = PrometheusText.parse("""
                # HELP edgevl_sync_frames_total Frames frame sync accepted, by modality.
                # TYPE edgevl_sync_frames_total counter
                edgevl_sync_frames_total{modality="depth"} 12.0
                edgevl_sync_frames_total{modality="rgb"} 3
                # TYPE latency_seconds summary
                latency_seconds{quantile="0.5"} NaN
                latency_seconds_sum 1.5e2 1700000000000
                latency_seconds_count 4
                # TYPE odd gauge
                odd{path="a\\\\b",quote="say \\"hi\\"",nl="x\\ny"} +Inf
                """);
        assertThat(text.families()).containsOnlyKeys("edgevl_sync_frames_total", "latency_seconds", "odd");
        assertThat(text.family("edgevl_sync_frames_total").orElseThrow().type()).isEqualTo("counter");
        assertThat(text.sum("edgevl_sync_frames_total", Map.of())).isEqualTo(15.0);
        assertThat(text.sum("edgevl_sync_frames_total", Map.of("modality", "depth")))
                .isEqualTo(12.0);
        assertThat(text.sum("latency_seconds_sum", Map.of())).isEqualTo(150.0);
        assertThat(text.family("latency_seconds").orElseThrow().samples()).hasSize(3);
        assertThat(text.samples("odd", Map.of()).get(0).labels())
                .containsEntry("path", "a\\b")
                .containsEntry("quote", "say \"hi\"")
                .containsEntry("nl", "x\ny");
        assertThat(text.samples("odd", Map.of()).get(0).value()).isInfinite();
    }

    @Test
    void refusesWhatPrometheusRefuses() {
        assertRefused("1bad 1", "bad metric name");
        assertRefused("ok{1x=\"a\"} 1", "bad label name");
        assertRefused("ok{a=b} 1", "unquoted label value");
        assertRefused("ok{a=\"b} 1", "unterminated");
        assertRefused("ok{a=\"\\q\"} 1", "unknown escape");
        assertRefused("ok one", "not a number");
        assertRefused("ok 1 2 3", "a value and at most a timestamp");
        assertRefused("# TYPE ok meter\nok 1", "unknown type");
        assertRefused("# TYPE ok gauge\n# TYPE ok gauge\nok 1", "a second TYPE");
        assertRefused("ok 1\n# TYPE ok gauge", "after its samples");
        assertRefused("a 1\nb 1\na{x=\"y\"} 1", "split apart");
        assertRefused("a{x=\"y\"} 1\na{x=\"y\"} 2", "twice");
        assertRefused("a{x=\"y\",x=\"z\"} 1", "the label x twice");
    }

    private static void assertRefused(String text, String rule) {
        assertThatThrownBy(() -> PrometheusText.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(rule);
    }
}
