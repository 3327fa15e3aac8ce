package dev.edgevl.device.agent;

import static dev.edgevl.device.agent.SignedStudents.FAMILY;
import static dev.edgevl.device.agent.SignedStudents.PUBLISHER;
import static dev.edgevl.device.agent.SignedStudents.STRANGER;
import static dev.edgevl.device.agent.SignedStudents.depth;
import static dev.edgevl.device.agent.SignedStudents.offer;
import static dev.edgevl.device.agent.SignedStudents.rgb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.avro.DeviceHealth;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.zeroshot.LiveLabels;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One device's agent on real signed int8 bundles and ONNX Runtime; offers are loaded on the calling thread here. */
class DeviceAgentTest {
    private static final AgentConfig CONFIG = new AgentConfig(
            FAMILY, List.of(Path.of("unused.pem")), Duration.ofSeconds(10), 1, 1, Duration.ofMillis(50));
    private final TestClock clock = new TestClock(Instant.parse("2026-12-01T08:00:00Z"));
    private final List<DeviceStatus> reports = new CopyOnWriteArrayList<>();
    private final List<DeviceAgent> agents = new ArrayList<>();

    private DeviceAgent agent(String id, TrustedKeys keys) {
        DeviceAgent agent = new DeviceAgent(id, CONFIG, keys, Runnable::run, reports::add, clock);
        agents.add(agent);
        return agent;
    }

    private DeviceAgent agent() {
        return agent("cam-1", TrustedKeys.of(PUBLISHER.getPublic()));
    }

    @AfterEach
    void closeAll() {
        agents.forEach(DeviceAgent::close);
    }

    private static LocalAnnotation annotated(DeviceAgent agent, long sequence) {
        agent.annotate(rgb(agent.deviceId(), sequence));
        Optional<LocalAnnotation> a = agent.annotate(depth(agent.deviceId(), sequence));
        assertThat(a).as("frame %d is annotated", sequence).isPresent();
        return a.get();
    }

    @Test
    void beforeTheFirstModelTheDeviceIsStartingAndAnnotatesNothing() {
        DeviceAgent agent = agent();

        assertThat(agent.annotate(depth("cam-1", 0))).isEmpty();

        DeviceStatus s = agent.status();
        assertThat(s.getDeviceId()).isEqualTo("cam-1");
        assertThat(s.getHealth()).isEqualTo(DeviceHealth.STARTING);
        assertThat(s.getModelFamily()).isNull();
        assertThat(s.getModelVersion()).isNull();
        assertThat(s.getLastSwapTime()).isNull();
        assertThat(s.getLastError()).isNull();
        assertThat(s.getFramesAnnotated()).isZero();
        assertThat(s.getReportTime()).isEqualTo(clock.instant());
        assertThat(agent.counters().withoutModel()).isEqualTo(1);
    }

    private static ModelOffer canaryOffer(long version, dev.edgevl.avro.RolloutStage stage, double threshold) {
        return ModelOffer.canary(
                dev.edgevl.avro.ModelVersion.newBuilder(SignedStudents.version(version))
                        .setRollout(dev.edgevl.avro.Rollout.newBuilder()
                                .setStage(stage)
                                .setShare(0.5)
                                .setThreshold(threshold)
                                .setStableVersion(1L)
                                .setStartedTime(Instant.parse("2026-12-01T08:00:00Z"))
                                .build())
                        .build(),
                "test");
    }

    @Test
    void onlyTheDevicesInACanarysShareRunItAndTheyGoBackWhenItIsRolledBack() {
        // cam-1 hashes to 0.12, cam-2 to 0.72: a threshold of 0.5 takes cam-1 only.
        DeviceAgent in = agent("cam-1", TrustedKeys.of(PUBLISHER.getPublic()));
        DeviceAgent out = agent("cam-2", TrustedKeys.of(PUBLISHER.getPublic()));
        for (DeviceAgent a : List.of(in, out)) {
            a.onModel(offer(SignedStudents.version(1)));
            a.onModel(canaryOffer(2, dev.edgevl.avro.RolloutStage.CANARY, 0.5));
        }
        assertThat(in.modelVersion()).contains(2L);
        assertThat(out.modelVersion()).contains(1L);

        for (DeviceAgent a : List.of(in, out)) {
            a.onModel(canaryOffer(2, dev.edgevl.avro.RolloutStage.ROLLED_BACK, 0.5));
        }
        assertThat(in.modelVersion()).as("rolled back").contains(1L);
        assertThat(out.modelVersion()).contains(1L);
        assertThat(reports)
                .filteredOn(r -> r.getDeviceId().equals("cam-2"))
                .extracting(DeviceStatus::getModelVersion)
                .as("the device outside the canary never ran v2")
                .doesNotContain(2L);
    }

    @Test
    void aSignedVersionIsLoadedAnnotatesFramesAndIsReported() {
        DeviceAgent agent = agent();
        agent.onLabels(SignedStudents.labels("cube", "sphere", "torus"));

        agent.onModel(offer(SignedStudents.version(1)));

        assertThat(reports).as("a swap is reported at once").hasSize(1);
        DeviceStatus s = reports.get(0);
        assertThat(s.getHealth()).isEqualTo(DeviceHealth.OK);
        assertThat(s.getModelFamily()).isEqualTo(FAMILY);
        assertThat(s.getModelVersion()).isEqualTo(1L);
        assertThat(s.getLastSwapTime()).isEqualTo(clock.instant());
        assertThat(s.getLastError()).isNull();

        LocalAnnotation withRgb = annotated(agent, 0);
        assertThat(withRgb.modelVersion()).isEqualTo(1L);
        assertThat(withRgb.label()).isIn("cube", "sphere", "torus");
        assertThat(withRgb.probability()).isBetween(1.0 / 3, 1.0);
        assertThat(withRgb.rgbLabel())
                .as("the RGB frame 4 ms before is its partner")
                .isIn("cube", "sphere", "torus");
        assertThat(withRgb.labelSetVersion()).isNotBlank();
        assertThat(withRgb.sequence()).isZero();

        agent.annotate(rgb("cam-1", 1));
        LocalAnnotation alone = agent.annotate(depth("cam-1", 3)).orElseThrow();
        assertThat(alone.hasRgb()).as("an RGB frame 204 ms away is no partner").isFalse();
        assertThat(alone.label()).isIn("cube", "sphere", "torus");

        assertThat(agent.status().getFramesAnnotated()).isEqualTo(2);
        assertThat(agent.counters().withRgb()).isEqualTo(1);
        assertThat(agent.lastAnnotation()).contains(alone);
    }

    @Test
    void aTamperedBundleIsRefusedAndTheRunningVersionKept() {
        DeviceAgent agent = agent();
        agent.onModel(offer(SignedStudents.version(1)));
        clock.advance(Duration.ofMinutes(1));

        agent.onModel(offer(SignedStudents.tampered(2)));

        DeviceStatus s = reports.get(reports.size() - 1);
        assertThat(s.getHealth()).isEqualTo(DeviceHealth.DEGRADED);
        assertThat(s.getModelVersion()).isEqualTo(1L);
        assertThat(s.getLastSwapTime())
                .as("no swap happened")
                .isEqualTo(clock.instant().minus(Duration.ofMinutes(1)));
        assertThat(s.getLastError())
                .isEqualTo(
                        "Refused student v2: its bytes do not match their SHA-256 (damaged or tampered with); keeps v1.");
        assertThat(annotated(agent, 0).modelVersion()).isEqualTo(1L);
        assertThat(agent.counters().refusals()).isEqualTo(1);
        assertThat(agent.counters().swaps()).isEqualTo(1);
    }

    @Test
    void aSignedVersionWhoseGraphDoesNotTakeItsDeclaredInputIsRefused() {
        DeviceAgent agent = agent();
        agent.onModel(offer(SignedStudents.version(1)));

        agent.onModel(offer(SignedStudents.misfit(2)));

        assertThat(agent.status().getLastError())
                .startsWith("Refused student v2: it does not load here")
                .contains("takes images of 3x16x16 while its manifest says 3x24x24");
        assertThat(agent.status().getHealth()).isEqualTo(DeviceHealth.DEGRADED);
        assertThat(agent.modelVersion()).contains(1L);
        assertThat(annotated(agent, 0).modelVersion()).isEqualTo(1L);
    }

    @Test
    void unsignedAndForeignSignedBundlesAreRefused() {
        DeviceAgent agent = agent();
        agent.onModel(offer(SignedStudents.version(1)));

        agent.onModel(offer(SignedStudents.unsigned(2)));
        assertThat(agent.status().getLastError()).isEqualTo("Refused student v2: it is not signed; keeps v1.");

        agent.onModel(offer(SignedStudents.version(3, 3, STRANGER)));
        assertThat(agent.status().getLastError())
                .isEqualTo("Refused student v3: its signature does not match any trusted key; keeps v1.");
        assertThat(agent.status().getHealth()).isEqualTo(DeviceHealth.DEGRADED);
        assertThat(agent.modelVersion()).contains(1L);
    }

    @Test
    void eachDeviceVerifiesWithItsOwnKeys() {
        DeviceAgent ours = agent("cam-1", TrustedKeys.of(PUBLISHER.getPublic()));
        DeviceAgent theirs = agent("cam-2", TrustedKeys.of(STRANGER.getPublic()));
        ModelOffer signedByStranger = offer(SignedStudents.version(1, 1, STRANGER));

        ours.onModel(signedByStranger);
        theirs.onModel(signedByStranger);

        assertThat(ours.status().getHealth())
                .as("refused with nothing to fall back on")
                .isEqualTo(DeviceHealth.FAILED);
        assertThat(ours.status().getLastError())
                .isEqualTo("Refused student v1: its signature does not match any trusted key; no model runs yet.");
        assertThat(ours.annotate(depth("cam-1", 0))).isEmpty();
        assertThat(theirs.status().getHealth()).isEqualTo(DeviceHealth.OK);
        assertThat(theirs.modelVersion()).contains(1L);
    }

    @Test
    void aGoodVersionAfterARefusalIsSwappedInAndClearsTheError() {
        DeviceAgent agent = agent();
        agent.onModel(offer(SignedStudents.version(1)));
        agent.onModel(offer(SignedStudents.tampered(2)));
        clock.advance(Duration.ofSeconds(5));

        agent.onModel(offer(SignedStudents.version(2)));

        DeviceStatus s = agent.status();
        assertThat(s.getHealth()).isEqualTo(DeviceHealth.OK);
        assertThat(s.getModelVersion()).isEqualTo(2L);
        assertThat(s.getLastError()).isNull();
        assertThat(s.getLastSwapTime()).isEqualTo(clock.instant());
        assertThat(reports)
                .extracting(DeviceStatus::getHealth)
                .containsExactly(DeviceHealth.OK, DeviceHealth.DEGRADED, DeviceHealth.OK);
        assertThat(annotated(agent, 0).modelVersion()).isEqualTo(2L);
    }

    @Test
    void aRollbackToAnEarlierNumberIsTheNewLiveVersion() {
        DeviceAgent agent = agent();
        agent.onModel(offer(SignedStudents.version(1)));
        agent.onModel(offer(SignedStudents.version(2)));
        clock.advance(Duration.ofMinutes(3));

        agent.onModel(offer(SignedStudents.version(1)));

        assertThat(agent.modelVersion()).contains(1L);
        assertThat(agent.status().getHealth()).isEqualTo(DeviceHealth.OK);
        assertThat(agent.status().getLastSwapTime()).isEqualTo(clock.instant());
        assertThat(annotated(agent, 0).modelVersion()).isEqualTo(1L);
        assertThat(agent.counters().swaps()).isEqualTo(3);
    }

    @Test
    void republishingTheRunningVersionAfterARefusalRestoresOkWithoutReloading() {
        DeviceAgent agent = agent();
        agent.onModel(offer(SignedStudents.version(1)));
        agent.onModel(offer(SignedStudents.tampered(2)));

        agent.onModel(offer(SignedStudents.version(1)));

        assertThat(agent.status().getHealth()).isEqualTo(DeviceHealth.OK);
        assertThat(agent.status().getLastError()).isNull();
        assertThat(agent.counters().swaps()).isEqualTo(1);
        assertThat(reports)
                .extracting(DeviceStatus::getHealth)
                .containsExactly(DeviceHealth.OK, DeviceHealth.DEGRADED, DeviceHealth.OK);
    }

    @Test
    void anotherFamilysVersionsAreNotThisDevicesBusiness() {
        DeviceAgent agent = agent();
        agent.onModel(new ModelOffer("other-family", null, "whatever", "test"));
        agent.onModel(offer(SignedStudents.version(1)));

        assertThat(agent.status().getHealth()).isEqualTo(DeviceHealth.OK);
        assertThat(agent.counters().refusals()).isZero();
    }

    @Test
    void labelsComeAndGoBetweenFrames() {
        DeviceAgent agent = agent();
        agent.onModel(offer(SignedStudents.version(1)));

        LocalAnnotation none = annotated(agent, 0);
        assertThat(none.label()).as("no labels yet: embedded, not scored").isNull();
        assertThat(none.labelSetVersion()).isNull();

        LiveLabels two = SignedStudents.labels("cube", "sphere");
        agent.onLabels(two);
        List<String> seen = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            seen.add(annotated(agent, i).label());
        }
        assertThat(seen).allMatch(l -> l.equals("cube") || l.equals("sphere"));

        agent.onLabels(two.without("sphere").with("wide", "test-teacher", SignedStudents.labelEmbedding(9, 512)));
        for (int i = 21; i <= 30; i++) {
            LocalAnnotation a = annotated(agent, i);
            assertThat(a.label())
                    .as("sphere removed; 'wide' is another teacher's size and left out")
                    .isEqualTo("cube");
            assertThat(a.probability()).isEqualTo(1.0);
        }
    }

    @Test
    void unusableLabelRecordsAreLeftOutAndTheDeviceScoresWithTheRest() {
        DeviceAgent agent = agent();
        agent.onModel(offer(SignedStudents.version(1)));
        ControlHub hub = new ControlHub(dev.edgevl.schemas.serde.AvroSerdes.singleObject());
        hub.subscribe(agent);
        hub.caughtUp();
        List<ControlHub.Encoded> records = new ArrayList<>();
        for (dev.edgevl.avro.LabelEmbedding good :
                List.of(SignedStudents.labelRecord("cube", 1), SignedStudents.labelRecord("sphere", 2))) {
            records.add(labelRecord(good.getLabel(), SignedStudents.encode(good)));
        }
        for (dev.edgevl.avro.LabelEmbedding bad : SignedStudents.unusableLabelRecords()) {
            records.add(labelRecord(bad.getLabel(), SignedStudents.encode(bad)));
        }
        records.add(labelRecord("garbage", "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        hub.apply(records);

        for (int i = 0; i < 10; i++) {
            assertThat(annotated(agent, i).label()).isIn("cube", "sphere");
        }
        // The all-zero and NaN embeddings are refused as they are read (every reader's content rules); the labels of
        // another size and teacher decode, and the label set leaves them out.
        assertThat(agent.counters().labelsLeftOut()).isEqualTo(2);
        assertThat(agent.counters().failed()).isZero();
    }

    private static ControlHub.Encoded labelRecord(String key, byte[] value) {
        return new ControlHub.Encoded(
                dev.edgevl.schemas.topics.Topics.LABELS_EMBEDDED.name(), key, value, "labels.embedded");
    }

    @Test
    void aFrameOfAnotherDeviceIsRefused() {
        DeviceAgent agent = agent();
        assertThatThrownBy(() -> agent.annotate(depth("cam-9", 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cam-9");
    }

    @Test
    void framesKeepFlowingWhileVersionsAreSwappedUnderThem() throws Exception {
        ExecutorService loader = Executors.newSingleThreadExecutor();
        DeviceAgent agent =
                new DeviceAgent("cam-1", CONFIG, TrustedKeys.of(PUBLISHER.getPublic()), loader, reports::add, clock);
        agents.add(agent);
        agent.onLabels(SignedStudents.labels("cube", "sphere", "torus"));
        agent.onModel(offer(SignedStudents.version(1)));
        assertThat(agent.awaitIdle(Duration.ofSeconds(30))).isTrue();
        ExecutorService frames = Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.CountDownLatch firstFrame = new java.util.concurrent.CountDownLatch(1);
            Future<List<Long>> versions = frames.submit(() -> {
                List<Long> seen = new ArrayList<>();
                for (int i = 0; seen.size() < 100 || seen.get(seen.size() - 1) < 6; i++) {
                    seen.add(annotated(agent, i).modelVersion());
                    firstFrame.countDown();
                }
                return seen;
            });
            // On a busy machine the frame thread may start late; v2 is offered once a frame has run on v1.
            assertThat(firstFrame.await(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            for (long v = 2; v <= 6; v++) {
                agent.onModel(offer(SignedStudents.version(v)));
                assertThat(agent.awaitIdle(Duration.ofSeconds(30))).isTrue();
                Thread.sleep(5);
            }
            List<Long> seen = versions.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(seen)
                    .as("every frame annotated by one version, never going back")
                    .isSorted()
                    .contains(1L, 6L);
            assertThat(agent.counters().failed()).isZero();
            assertThat(agent.counters().annotated()).isEqualTo(seen.size());
            assertThat(agent.modelVersion()).contains(6L);
        } finally {
            frames.shutdownNow();
            loader.shutdownNow();
        }
    }
}
