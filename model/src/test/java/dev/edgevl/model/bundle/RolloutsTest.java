package dev.edgevl.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.Rollout;
import dev.edgevl.avro.RolloutStage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RolloutsTest {
    private static ModelVersion version(long v, Rollout rollout) {
        return ModelVersion.newBuilder()
                .setFamily("student")
                .setVersion(v)
                .setTeacherId("t")
                .setEmbeddingDim(8)
                .setInputWidth(16)
                .setInputHeight(16)
                .setSha256("00")
                .setSignature(ByteBuffer.allocate(0))
                .setSigningKeyId("k")
                .setBundleSizeBytes(0)
                .setMetrics(Map.of())
                .setCreatedTime(Instant.EPOCH)
                .setPublishedTime(Instant.EPOCH)
                .setRollout(rollout)
                .build();
    }

    private static Rollout rollout(RolloutStage stage, double threshold) {
        return Rollout.newBuilder()
                .setStage(stage)
                .setShare(0.25)
                .setThreshold(threshold)
                .setStartedTime(Instant.EPOCH)
                .build();
    }

    @Test
    void keysNameTheFamilyAndItsCanary() {
        assertThat(Rollouts.keyOf(version(1, null))).isEqualTo("student");
        assertThat(Rollouts.keyOf(version(2, rollout(RolloutStage.CANARY, 0.5))))
                .isEqualTo("student/canary");
        assertThat(Rollouts.isCanaryKey("student/canary")).isTrue();
        assertThat(Rollouts.isCanaryKey("student")).isFalse();
        assertThat(Rollouts.isCanaryKey("/canary")).isFalse();
        assertThat(Rollouts.familyOf("student/canary")).isEqualTo("student");
        assertThat(Rollouts.familyOf("student")).isEqualTo("student");
    }

    @Test
    void positionsAreStableAndSpreadEvenly() {
        // SHA-256("dev-1") starts 0x0388fb626ca89a12: a fixed point any implementation must reproduce.
        assertThat(Rollouts.position("dev-1")).isBetween(0.013808, 0.013810);
        assertThat(Rollouts.position("dev-1")).isEqualTo(Rollouts.position("dev-1"));
        long below = IntStream.range(0, 10_000)
                .filter(i -> Rollouts.position("device-" + i) < 0.25)
                .count();
        assertThat(below).isBetween(2_350L, 2_650L);
    }

    @Test
    void theThresholdNeverTakesMoreThanTheShareOfTheKnownDevices() {
        List<String> four = List.of("dev-0", "dev-1", "dev-2", "dev-3");
        double t = Rollouts.threshold(four, 0.25);
        assertThat(four.stream().filter(d -> Rollouts.inCanary(d, t))).hasSize(1);
        double half = Rollouts.threshold(four, 0.5);
        assertThat(four.stream().filter(d -> Rollouts.inCanary(d, half))).hasSize(2);
        assertThat(Rollouts.threshold(List.of("dev-0", "dev-1"), 0.25))
                .as("a quarter of two devices is none")
                .isZero();
        List<String> hundred = IntStream.range(0, 100).mapToObj(i -> "cam-" + i).toList();
        double ten = Rollouts.threshold(hundred, 0.1);
        assertThat(hundred.stream().filter(d -> Rollouts.inCanary(d, ten))).hasSize(10);
    }

    @Test
    void aCanaryCarriesAModalityOnlyWhenOneOfItsDevicesSendsIt() {
        Map<String, java.util.Set<Modality>> fleet = Map.of(
                "dev-1", java.util.Set.of(Modality.DEPTH), // position 0.0138: in any canary here
                "dev-0", java.util.Set.of(Modality.DEPTH, Modality.THERMAL),
                "dev-2", java.util.Set.of(Modality.THERMAL),
                "dev-3", java.util.Set.of(Modality.DEPTH));
        double quarter = Rollouts.threshold(fleet.keySet(), 0.25);
        assertThat(fleet.keySet().stream().filter(d -> Rollouts.inCanary(d, quarter)))
                .containsExactly("dev-1");
        assertThat(Rollouts.canaryCarries(fleet, quarter, List.of(Modality.THERMAL)))
                .isFalse();
        assertThat(Rollouts.canaryCarries(fleet, quarter, List.of(Modality.DEPTH)))
                .isTrue();
        assertThat(Rollouts.canaryCarries(fleet, 1.0, List.of(Modality.THERMAL)))
                .isTrue();
        assertThat(Rollouts.canaryCarries(fleet, quarter, List.of())).isFalse();
    }

    @Test
    void aDeviceRunsTheCanaryOnlyWhileItIsActiveAndItIsInItsShare() {
        ModelVersion fleet = version(1, null);
        String in = "dev-1"; // position 0.0138
        String out = "dev-2"; // position 0.67
        ModelVersion canary = version(2, rollout(RolloutStage.CANARY, 0.05));
        assertThat(Rollouts.choose(in, fleet, canary)).isSameAs(canary);
        assertThat(Rollouts.choose(out, fleet, canary)).isSameAs(fleet);
        assertThat(Rollouts.choose(in, fleet, version(2, rollout(RolloutStage.ROLLED_BACK, 0.05))))
                .isSameAs(fleet);
        assertThat(Rollouts.choose(in, fleet, version(2, rollout(RolloutStage.PROMOTED, 0.05))))
                .isSameAs(fleet);
        assertThat(Rollouts.choose(in, version(2, null), canary))
                .as("the canary's version already went fleet-wide")
                .extracting(ModelVersion::getRollout)
                .isNull();
        assertThat(Rollouts.choose(in, fleet, null)).isSameAs(fleet);
        assertThat(Rollouts.choose(in, null, canary)).isSameAs(canary);
    }
}
