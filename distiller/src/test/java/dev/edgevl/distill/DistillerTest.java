package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.RolloutStage;
import dev.edgevl.avro.RouteReason;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.config.Settings;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.Digests;
import dev.edgevl.model.bundle.DirectoryModelStore;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.model.bundle.ModelBundle;
import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.bundle.VerifiedBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real rounds (DJL training, int8 export, ONNX Runtime for the gate) on a tiny student and the {@link TestSamples} world. */
class DistillerTest {
    private static final KeyPair KEYS = Keys.generate();
    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private final List<ModelVersion> published = new CopyOnWriteArrayList<>();

    static DistillerConfig tinyConfig(Path store, Map<String, String> more) {
        Settings settings = Settings.of(Map.of(
                "distill.store.dir", store.toString(),
                "distill.student.input-size", "16",
                "distill.student.stem", "4",
                "distill.student.blocks", "8/2,16/2",
                "distill.stage1.epochs", "3",
                "distill.stage2.steps", "8",
                "distill.batch", "16",
                "distill.trigger.samples", "100",
                "distill.trigger.min-samples", "50",
                "distill.buffer.held-out.fraction", "0.2"));
        settings = settings.with("distill.gate.min-pairs", "20")
                .with("distill.gate.min-per-modality", "20")
                .with("distill.trigger.skip-agreement", "1");
        for (Map.Entry<String, String> e : more.entrySet()) {
            settings = settings.with(e.getKey(), e.getValue());
        }
        return DistillerConfig.from(settings);
    }

    /** Everything that makes a round learn fast and nothing that holds it back (for rounds whose sabotage must land). */
    static Map<String, String> learnsFast(Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(Map.of(
                "distill.stage1.interpolation", "1",
                "distill.round.anchor-share", "0",
                "distill.stage1.epochs", "8"));
        all.putAll(more);
        return all;
    }

    private Distiller distiller(DistillerConfig config, RoundListener listener) throws Exception {
        Distiller d = new Distiller(
                config, new DirectoryModelStore(config.storeDir()), KEYS, published::add, Clock.systemUTC(), listener);
        for (int c = 0; c < TestSamples.LABELS.size(); c++) {
            d.onLabel(TestSamples.LABELS.get(c), TestSamples.label(c));
        }
        return d;
    }

    /** A distiller that has heard no label yet. */
    private Distiller unlabelled(DistillerConfig config) throws Exception {
        return new Distiller(
                config,
                new DirectoryModelStore(config.storeDir()),
                KEYS,
                published::add,
                Clock.systemUTC(),
                RoundListener.NONE);
    }

    private static void feed(Distiller d, String device, int from, int to) {
        TestSamples.stream(device, from, to, i -> i % 4).forEach(d::onTeacherEmbedding);
    }

    @Test
    void aRoundPublishesASignedVersionAndTheNextOneContinuesFromIt() throws Exception {
        DistillerConfig config = tinyConfig(
                dir,
                // This test is about continuing from the live version: the gate lets through all but a disaster.
                Map.of(
                        "distill.gate.margin",
                        "0.5",
                        "distill.gate.alpha",
                        "0.001",
                        "distill.round.start-from",
                        "live"));
        try (Distiller d = distiller(config, RoundListener.NONE)) {
            feed(d, "cam-1", 0, 40);
            assertThat(d.maybeStartRound())
                    .as("40 pairs are below the trigger and the minimum")
                    .isFalse();
            feed(d, "cam-1", 40, 200);
            assertThat(d.maybeStartRound()).isTrue();
            assertThat(d.maybeStartRound()).as("one round at a time").isFalse();
            d.awaitRound(ROUND_TIMEOUT);

            assertThat(d.lastRound().failed())
                    .as("round failure: %s", d.lastRound().failure())
                    .isFalse();
            assertThat(published).hasSize(1);
            ModelVersion v1 = published.get(0);
            assertThat(v1.getVersion()).isEqualTo(1);
            assertThat(v1.getParentVersion()).isNull();
            VerifiedBundle verified = new BundleVerifier(TrustedKeys.of(KEYS.getPublic())).verify(v1);
            assertThat(verified.manifest().embeddingDim()).isEqualTo(TestSamples.DIM);
            assertThat(v1.getMetrics())
                    .containsKeys(
                            "gate.nonRgbAgreement",
                            "gate.rgbAgreement",
                            "stage1.loss",
                            "stage2.loss",
                            Distiller.DATA_WATERMARK)
                    .containsEntry("gate.promoted", 1.0)
                    .containsEntry("train.warmStart", 0.0)
                    .as("stage 2 checked against post-training int8 on pairs it did not train on")
                    .containsKeys("stage2.check.pairs", "stage2.check.postTraining", "stage2.kept");
            System.out.printf(
                    "v1 gate: non-RGB agreement %.3f, RGB %.3f on %.0f held-out pairs%n",
                    v1.getMetrics().get("gate.nonRgbAgreement"),
                    v1.getMetrics().get("gate.rgbAgreement"),
                    v1.getMetrics().get("gate.pairs"));
            assertThat(v1.getMetrics().get("gate.nonRgbAgreement"))
                    .as("depth agrees with the teacher more often than chance (0.25)")
                    .isGreaterThan(0.4);
            assertThat(d.catalog().list(config.family()))
                    .extracting(ModelVersion::getVersion)
                    .containsExactly(1L);
            assertThat(Checkpoints.in(dir).get(v1.getSha256())).isPresent();

            d.onModel(v1.getFamily(), v1); // what the consumer of models would hand over
            assertThat(d.maybeStartRound()).as("nothing new since v1").isFalse();
            feed(d, "cam-2", 1000, 1160);
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            assertThat(published).hasSize(2);
            ModelVersion v2 = published.get(1);
            assertThat(v2.getVersion()).isEqualTo(2);
            assertThat(v2.getParentVersion()).isEqualTo(1L);
            assertThat(v2.getMetrics()).containsEntry("train.warmStart", 1.0).containsKey("gate.liveNonRgbAgreement");
        }
    }

    @Test
    void unusableLabelsAreLeftOutAndLaterLabelRecordsStillTakeEffect() throws Exception {
        try (Distiller d = distiller(tinyConfig(dir, Map.of()), RoundListener.NONE)) {
            for (dev.edgevl.avro.LabelEmbedding bad : TestSamples.unusableLabels()) {
                d.onLabel(bad.getLabel(), bad);
            }
            d.onLabel("torus", null);
            feed(d, "cam-1", 0, 200);

            Distiller.Status s = d.status();
            assertThat(s.labelsLeftOut()).isEqualTo(TestSamples.unusableLabels().size());
            assertThat(s.perLabel().keySet())
                    .as("pairs are filed under the usable labels; the tombstone still took effect")
                    .containsExactlyInAnyOrder("cube", "sphere", "cone");
            assertThat(s.train()).as("every pair is still learnt from").isGreaterThan(100);
        }
    }

    @Test
    void aRoundThatDiesHalfWayPublishesNothingAndTheNextStartDoesTheRound() throws Exception {
        RoundListener crash = (phase, done, total) -> {
            if (phase.equals(TrainingRound.STAGE_2) && done == 3) {
                throw new IllegalStateException("simulated crash in stage 2");
            }
        };
        try (Distiller d = distiller(tinyConfig(dir, Map.of()), crash)) {
            feed(d, "cam-1", 0, 200);
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            assertThat(d.lastRound().failure()).contains("simulated crash");
        }
        assertThat(published).isEmpty();
        assertThat(ModelCatalog.in(dir).list("student")).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".zip")))
                    .as("no bundle in the store")
                    .isEmpty();
        }

        try (Distiller restarted = distiller(tinyConfig(dir, Map.of()), RoundListener.NONE)) {
            feed(restarted, "cam-1", 0, 200); // the replay of teacher.embeddings after a restart
            assertThat(restarted.maybeStartRound()).isTrue();
            restarted.awaitRound(ROUND_TIMEOUT);
        }
        assertThat(published).extracting(ModelVersion::getVersion).containsExactly(1L);
    }

    @Test
    void closingDuringARoundAbandonsItAtTheNextStepAndStoresNothing() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Distiller> self =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger stepsAfterClose = new java.util.concurrent.atomic.AtomicInteger(-1);
        RoundListener closeInStage1 = (phase, done, total) -> {
            if (stepsAfterClose.get() >= 0) {
                stepsAfterClose.incrementAndGet();
            } else if (phase.equals(TrainingRound.STAGE_1) && done == 1) {
                stepsAfterClose.set(0);
                self.get().close();
            }
        };
        Distiller d = distiller(tinyConfig(dir, Map.of()), closeInStage1);
        self.set(d);
        feed(d, "cam-1", 0, 200);
        assertThat(d.maybeStartRound()).isTrue();
        d.awaitRound(ROUND_TIMEOUT);
        assertThat(d.lastRound().failure()).isEqualTo("the distiller is stopping");
        assertThat(stepsAfterClose.get())
                .as("progress reported after the close")
                .isZero();
        assertThat(published).isEmpty();
        assertThat(ModelCatalog.in(dir).list("student")).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".zip")))
                    .as("no bundle in the store")
                    .isEmpty();
        }
    }

    @Test
    void aCandidateTheGateRejectsIsKeptInTheStoreButNotPublished() throws Exception {
        DistillerConfig config = tinyConfig(dir, Map.of("distill.gate.min-pairs", "100000"));
        double promotedBefore = rounds("promoted");
        double rejectedBefore = rounds("rejected");
        try (Distiller d = distiller(config, RoundListener.NONE)) {
            feed(d, "cam-1", 0, 200);
            d.maybeStartRound();
            d.awaitRound(ROUND_TIMEOUT);
            assertThat(published)
                    .as("the first version has nothing to be compared with")
                    .hasSize(1);
            d.onModel("student", published.get(0));
            feed(d, "cam-2", 1000, 1160);
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            assertThat(d.lastRound().published()).isFalse();
            assertThat(d.lastRound().verdict().reason()).contains("pairs to judge on; the gate needs 100000");
        }
        assertThat(published).hasSize(1);
        assertThat(rounds("promoted") - promotedBefore)
                .as("edgevl_distiller_rounds_total on /metrics")
                .isEqualTo(1);
        assertThat(rounds("rejected") - rejectedBefore).isEqualTo(1);
        List<ModelVersion> catalogued = ModelCatalog.in(dir).list("student");
        assertThat(catalogued).extracting(ModelVersion::getVersion).containsExactly(1L, 2L);
        assertThat(catalogued.get(1).getMetrics()).containsEntry("gate.promoted", 0.0);
        assertThat(new DirectoryModelStore(dir).contains(catalogued.get(1).getSha256()))
                .isTrue();
    }

    private static double rounds(String outcome) {
        io.micrometer.core.instrument.Counter c = dev.edgevl.health.ServiceMetrics.registry()
                .find("edgevl.distiller.rounds")
                .tag("outcome", outcome)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aRestartedDistillerCountsOnlyWhatTheLatestVersionHasNotSeen() throws Exception {
        DistillerConfig config = tinyConfig(dir, Map.of());
        try (Distiller d = distiller(config, RoundListener.NONE)) {
            feed(d, "cam-1", 0, 200);
            d.maybeStartRound();
            d.awaitRound(ROUND_TIMEOUT);
        }
        try (Distiller restarted = distiller(config, RoundListener.NONE)) {
            restarted.onModel("student", published.get(0));
            feed(restarted, "cam-1", 0, 200);
            assertThat(restarted.status().newSamples()).isZero();
            assertThat(restarted.maybeStartRound())
                    .as("the replayed pairs were all in v1")
                    .isFalse();
            feed(restarted, "cam-1", 200, 320);
            assertThat(restarted.status().newSamples()).isBetween(80, 120);
        }
    }

    @Test
    void recordsOnModelsThatDoNotVerifyWithItsKeyOrDoNotLoadAreNotTakenAsLive() throws Exception {
        try (Distiller d = distiller(tinyConfig(dir, Map.of()), RoundListener.NONE)) {
            ModelVersion ours = record(KEYS, 1);
            d.onModel("student", ours);
            assertThat(d.status().liveVersion()).isEqualTo(1L);

            d.onModel("student", record(Keys.generate(), 2));
            ModelVersion tampered = ModelVersion.newBuilder(record(KEYS, 3))
                    .setBundle(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}))
                    .build();
            d.onModel("student", tampered);
            d.onModel("student", record(KEYS, 4, 24));
            assertThat(d.status().liveVersion())
                    .as("foreign-signed and tampered records, and a signed one whose graph does not take the input its"
                            + " manifest declares, are ignored")
                    .isEqualTo(1L);
            assertThat(d.catalog().list("student"))
                    .extracting(ModelVersion::getVersion)
                    .as("only the good one catalogued")
                    .containsExactly(1L);
        }
    }

    @Test
    void theInitialStudentIsPublishedAsVersionZeroBeforeAnyRoundAndTheFirstRoundIsItsChild() throws Exception {
        DistillerConfig config = tinyConfig(dir.resolve("a"), Map.of());
        InitialWeights initial = InitialWeights.train(
                TestSamples.stream("cam-0", 0, 64, i -> i % 4), config.round(), 3, RoundListener.NONE, Map.of());
        assertThat(initial.hasInt8()).isTrue();
        Path saved = dir.resolve("initial");
        initial.save(saved);
        DistillerConfig withInitial = tinyConfig(dir.resolve("b"), Map.of("distill.initial-weights", saved.toString()));
        try (Distiller d = unlabelled(withInitial)) {
            assertThat(d.maybePublishInitial())
                    .as("no labels yet: which teacher?")
                    .isEmpty();
            for (int c = 0; c < TestSamples.LABELS.size(); c++) {
                d.onLabel(TestSamples.LABELS.get(c), TestSamples.label(c));
            }
            ModelVersion v0 = d.maybePublishInitial().orElseThrow();
            assertThat(v0.getVersion()).isZero();
            assertThat(v0.getParentVersion()).isNull();
            assertThat(v0.getMetrics()).containsEntry("offline.initial", 1.0).containsEntry("offline.pairs", 64.0);
            assertThat(published).containsExactly(v0);
            VerifiedBundle bundle = new BundleVerifier(TrustedKeys.of(KEYS.getPublic())).verify(v0);
            assertThat(bundle.manifest().teacherId()).isEqualTo(TestSamples.TEACHER);
            assertThat(d.maybePublishInitial()).as("once").isEmpty();
            d.onModel(withInitial.family(), v0);

            feed(d, "cam-1", 0, 200);
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            assertThat(d.lastRound().version()).isEqualTo(1);
            assertThat(d.lastRound().metrics())
                    .as("v1 continues from v0's weights and is judged against it, pair by pair")
                    .containsEntry("train.warmStart", 1.0)
                    .containsKey("gate.liveNonRgbAgreement")
                    .containsKeys("gate.vsLive.pairs", "gate.vsLive.candidateOnly", "gate.vsLive.pWorseByMargin")
                    .as("v0 is live: one comparison")
                    .doesNotContainKey("gate.vsV0.pairs");
            double pairs = d.lastRound().metrics().get("gate.vsLive.pairs");
            assertThat(d.lastRound().metrics().get("gate.pairs")).isEqualTo(pairs);
        }
        try (Distiller restarted = unlabelled(withInitial)) {
            for (int c = 0; c < TestSamples.LABELS.size(); c++) {
                restarted.onLabel(TestSamples.LABELS.get(c), TestSamples.label(c));
            }
            assertThat(restarted.maybePublishInitial())
                    .as("a restart publishes no second v0")
                    .isEmpty();
        }
        DistillerConfig otherLayout = tinyConfig(
                dir.resolve("c"),
                Map.of("distill.initial-weights", saved.toString(), "distill.student.blocks", "8/2,24/2"));
        try (Distiller d = distiller(otherLayout, RoundListener.NONE)) {
            assertThat(d.maybePublishInitial()).as("weights of another layout").isEmpty();
        }
    }

    /** An initial student trained long enough on the test world to be clearly better than chance, saved. */
    private Path wellTrainedInitialStudent() throws Exception {
        Path saved = dir.resolve("initial");
        InitialWeights.train(
                        TestSamples.stream("cam-0", 0, 160, i -> i % 4),
                        tinyConfig(dir.resolve("a"), Map.of()).round().with(15, 3),
                        3,
                        RoundListener.NONE,
                        Map.of())
                .save(saved);
        return saved;
    }

    /** Pairs whose teacher embeddings are shuffled: pair i gets pair i+1's, always another class's. */
    static void feedShuffled(Distiller d, String device, int from, int to) {
        List<TeacherEmbedding> honest = TestSamples.stream(device, from, to, i -> i % 4);
        for (int i = 0; i < honest.size(); i++) {
            d.onTeacherEmbedding(TeacherEmbedding.newBuilder(honest.get(i))
                    .setEmbedding(honest.get((i + 1) % honest.size()).getEmbedding())
                    .build());
        }
    }

    @Test
    void aCandidateTrainedOnShuffledTeacherEmbeddingsIsRejectedOnTheAnchorPairs() throws Exception {
        Path saved = wellTrainedInitialStudent();
        AnchorPairs.save(TestSamples.stream("cam-9", 5000, 5120, i -> i % 4), saved);
        DistillerConfig sabotaged =
                tinyConfig(dir.resolve("b"), learnsFast(Map.of("distill.initial-weights", saved.toString())));
        try (Distiller d = distiller(sabotaged, RoundListener.NONE)) {
            ModelVersion v0 = d.maybePublishInitial().orElseThrow();
            d.onModel(sabotaged.family(), v0);
            feedShuffled(d, "cam-1", 0, 240);
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            RoundReport round = d.lastRound();
            assertThat(round.failed()).as("round failure: %s", round.failure()).isFalse();
            System.out.println("sabotaged v1: " + round.verdict().reason());
            assertThat(round.published()).isFalse();
            assertThat(round.verdict().reason()).contains("rejected").contains("ANCHOR");
            assertThat(round.metrics().get("gate.vsLive.ANCHOR.candidate"))
                    .isLessThan(round.metrics().get("gate.vsLive.ANCHOR.other"));
            assertThat(published).containsExactly(v0);
        }
    }

    @Test
    void theBackstopRollsALiveVersionWorseThanVersionZeroBackToTheLastGoodOne() throws Exception {
        Path saved = wellTrainedInitialStudent();
        DistillerConfig watched = tinyConfig(
                dir.resolve("b"),
                learnsFast(Map.of(
                        "distill.initial-weights", saved.toString(),
                        "distill.backstop.interval", "1ms",
                        "distill.backstop.min-pairs", "40",
                        "distill.gate.margin", "0.9")));
        try (Distiller d = distiller(watched, RoundListener.NONE)) {
            Republisher republisher =
                    new Republisher(d.catalog(), new DirectoryModelStore(watched.storeDir()), published::add);
            ModelVersion v0 = d.maybePublishInitial().orElseThrow();
            d.onModel(watched.family(), v0);
            assertThat(d.maybeCheckLive()).as("v0 is live: nothing to check").isFalse();
            feed(d, "cam-1", 0, 200);
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            d.onModel(watched.family(), republisher.republish(watched.family(), 1, true, java.time.Instant.now()));
            // v2 learns shuffled teacher embeddings and is made live by hand, whatever the gate says.
            feedShuffled(d, "cam-2", 1000, 1240);
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            d.onModel(watched.family(), republisher.republish(watched.family(), 2, true, java.time.Instant.now()));
            published.clear();

            assertThat(d.maybeCheckLive())
                    .as("no pair newer than what v2 trained on yet")
                    .isFalse();
            feed(d, "cam-3", 2000, 2100);
            for (int check = 1; check <= 2; check++) {
                Thread.sleep(5);
                assertThat(d.maybeCheckLive()).as("check %d", check).isTrue();
                d.awaitRound(ROUND_TIMEOUT);
            }
            assertThat(published).as("rolled back after two checks in a row").hasSize(1);
            ModelVersion back = published.get(0);
            assertThat(back.getVersion())
                    .as("v1, the last version not worse than v0")
                    .isEqualTo(1);
            assertThat(back.getMetrics())
                    .containsEntry("rollback.from", 2.0)
                    .containsEntry("rollback.checks", 2.0)
                    .containsKeys("rollback.fromAgreement", "rollback.v0Agreement", "rollback.pAtLeastAsGood");
            assertThat(back.getMetrics().get("rollback.fromAgreement"))
                    .isLessThan(back.getMetrics().get("rollback.v0Agreement"));
            new BundleVerifier(TrustedKeys.of(KEYS.getPublic())).verify(back);
        }
    }

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private volatile java.time.Instant now;

        HandClock(java.time.Instant start) {
            now = start;
        }

        void set(java.time.Instant t) {
            now = t;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    /** Four devices; at a canary share of 0.25 only cam-1 (the lowest hash of the four) is in it. */
    private static final List<String> FLEET = List.of("cam-1", "cam-2", "cam-3", "cam-4");

    /**
     * v0 live, a round trained on {@code shuffled} or honest pairs from four devices and let through the gate (margin
     * 0.9), then pairs routed by the canary's device after it started; returns what the distiller published from the
     * round on.
     */
    private List<ModelVersion> canaryRun(boolean shuffled, HandClock clock) throws Exception {
        Path saved = wellTrainedInitialStudent();
        DistillerConfig config = tinyConfig(
                dir.resolve("c"),
                learnsFast(Map.of(
                        "distill.initial-weights", saved.toString(),
                        "distill.gate.margin", "0.9",
                        "distill.rollout.watch", "1s",
                        "distill.rollout.min-pairs", "40")));
        try (Distiller d = new Distiller(
                config, new DirectoryModelStore(config.storeDir()), KEYS, published::add, clock, RoundListener.NONE)) {
            for (int c = 0; c < TestSamples.LABELS.size(); c++) {
                d.onLabel(TestSamples.LABELS.get(c), TestSamples.label(c));
            }
            ModelVersion v0 = d.maybePublishInitial().orElseThrow();
            d.onModel(config.family(), v0);
            published.clear();
            for (int i = 0; i < FLEET.size(); i++) {
                if (shuffled) {
                    feedShuffled(d, FLEET.get(i), i * 1000, i * 1000 + 60);
                } else {
                    feed(d, FLEET.get(i), i * 1000, i * 1000 + 60);
                }
            }
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            assertThat(published).as("the round's version, as a canary").hasSize(1);
            ModelVersion canary = published.get(0);
            d.onModel(Rollouts.keyOf(canary), canary); // it comes back from the topic
            assertThat(d.canaryVersion()).contains(1L);
            assertThat(d.maybeStartRound()).as("no round while a canary runs").isFalse();

            // The canary's device routes pairs after the canary started (sequence 20000 is 20 s after T0).
            feed(d, "cam-1", 20_000, 20_120);
            feed(d, "cam-3", 30_000, 30_050); // not in the canary: not judged on
            clock.set(TestSamples.T0.plusSeconds(60));
            assertThat(d.maybeJudgeCanary()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            assertThat(d.canaryVersion()).as("the canary ended").isEmpty();
            return List.copyOf(published);
        }
    }

    @Test
    void aVersionThatPassedTheGateRunsOnTheCanaryFirstAndABadOneIsRolledBackWhileTheFleetStaysOnItsVersion()
            throws Exception {
        HandClock clock = new HandClock(TestSamples.T0);
        List<ModelVersion> out = canaryRun(true, clock);

        ModelVersion canary = out.get(0);
        assertThat(canary.getVersion()).isEqualTo(1);
        assertThat(Rollouts.keyOf(canary)).isEqualTo("student/canary");
        assertThat(canary.getRollout().getStage()).isEqualTo(RolloutStage.CANARY);
        assertThat(canary.getRollout().getStableVersion()).isEqualTo(0L);
        assertThat(canary.getRollout().getCanaryDevices()).isEqualTo(1);
        assertThat(canary.getRollout().getKnownDevices()).isEqualTo(4);
        assertThat(FLEET.stream()
                        .filter(dev ->
                                Rollouts.inCanary(dev, canary.getRollout().getThreshold())))
                .containsExactly("cam-1");
        new BundleVerifier(TrustedKeys.of(KEYS.getPublic())).verify(canary);

        assertThat(out).as("the rollback, and nothing fleet-wide").hasSize(2);
        ModelVersion back = out.get(1);
        assertThat(back.getVersion()).isEqualTo(1);
        assertThat(back.getRollout().getStage()).isEqualTo(RolloutStage.ROLLED_BACK);
        assertThat(back.getRollout().getReason()).startsWith("worse than the fleet-wide version");
        assertThat(back.getMetrics().get("rollout.pairs")).isEqualTo(120.0);
        assertThat(back.getMetrics().get("rollout.canaryAgreement"))
                .isLessThan(back.getMetrics().get("rollout.fleetAgreement"));
        assertThat(back.getMetrics().get("rollout.pAtLeastAsGood")).isLessThan(0.1);
    }

    @Test
    void aCanaryThatHoldsUpGoesFleetWideWithItsFigures() throws Exception {
        HandClock clock = new HandClock(TestSamples.T0);
        List<ModelVersion> out = canaryRun(false, clock);

        assertThat(out).hasSize(3);
        ModelVersion fleetWide = out.get(1);
        assertThat(fleetWide.getVersion()).isEqualTo(1);
        assertThat(fleetWide.getRollout()).isNull();
        assertThat(Rollouts.keyOf(fleetWide)).isEqualTo("student");
        assertThat(fleetWide.getMetrics())
                .containsEntry("rollout.pairs", 120.0)
                .containsEntry("rollout.inconclusive", 0.0);
        new BundleVerifier(TrustedKeys.of(KEYS.getPublic())).verify(fleetWide);
        assertThat(out.get(2).getRollout().getStage()).isEqualTo(RolloutStage.PROMOTED);
        assertThat(out.get(2).getRollout().getReason()).startsWith("held up");
    }

    @Test
    void everyRoundStartsFromVersionZeroReplaysTheAnchorPairsAndIsJudgedAgainstLiveAndVersionZero() throws Exception {
        DistillerConfig config = tinyConfig(dir.resolve("a"), Map.of());
        Path saved = dir.resolve("initial");
        InitialWeights.train(
                        TestSamples.stream("cam-0", 0, 64, i -> i % 4), config.round(), 3, RoundListener.NONE, Map.of())
                .save(saved);
        AnchorPairs.save(TestSamples.stream("cam-9", 5000, 5080, i -> i % 4), saved);
        AnchorPairs anchors = AnchorPairs.load(saved.toString());
        assertThat(anchors.size()).isEqualTo(80);
        assertThat(anchors.gate()).isNotEmpty();
        assertThat(anchors.replay()).isNotEmpty();
        DistillerConfig anchored = tinyConfig(dir.resolve("b"), Map.of("distill.initial-weights", saved.toString()));
        try (Distiller d = distiller(anchored, RoundListener.NONE)) {
            ModelVersion v0 = d.maybePublishInitial().orElseThrow();
            d.onModel(anchored.family(), v0);
            feed(d, "cam-1", 0, 200);
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            // v1 live, whatever the gate said of it (as 'edgevl models promote 1' would make it)
            ModelVersion v1 = new Republisher(d.catalog(), new DirectoryModelStore(anchored.storeDir()), published::add)
                    .republish(anchored.family(), 1, true, java.time.Instant.now());
            d.onModel(anchored.family(), v1);
            feed(d, "cam-2", 200, 400);
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            Map<String, Double> m = d.lastRound().metrics();
            assertThat(m)
                    .as("v2 starts from v0's weights, not the live v1's")
                    .containsEntry("train.fromAnchor", 1.0)
                    .containsEntry("train.warmStart", 1.0);
            assertThat(m.get("train.anchorSamples"))
                    .as("a quarter of the epoch is replayed anchor pairs")
                    .isCloseTo(m.get("train.streamSamples") / 3, org.assertj.core.api.Assertions.within(1.0));
            assertThat(m.get("gate.anchorPairs")).isEqualTo(anchors.gate().size());
            assertThat(m)
                    .as("judged against the live v1 and against v0, on the anchor pairs too")
                    .containsKeys(
                            "gate.vsLive.pairs",
                            "gate.vsV0.pairs",
                            "gate.vsV0.pWorseByMargin",
                            "gate.vsV0.ANCHOR.pairs",
                            "gate.vsV0.DEPTH.pAtLeastAsGood");
            assertThat(d.lastRound().verdict().reason()).contains("live v1").contains("v0");
        }
    }

    @Test
    void aDueRoundIsSkippedWhenTheLiveVersionAlreadyAgreesWithTheTeacherOnWhatIsNew() throws Exception {
        DistillerConfig config = tinyConfig(dir, Map.of("distill.trigger.skip-agreement", "0.2"));
        try (Distiller d = distiller(config, RoundListener.NONE)) {
            feed(d, "cam-1", 0, 200);
            assertThat(d.maybeStartRound())
                    .as("nothing live: nothing to pre-test")
                    .isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            ModelVersion v1 = published.get(0);
            assertThat(v1.getMetrics().get("gate.nonRgbAgreement")).isGreaterThan(0.4);
            d.onModel(v1.getFamily(), v1);

            feed(d, "cam-2", 1000, 1160);
            assertThat(d.maybeStartRound())
                    .as("v1 agrees with the teacher on more than 0.2 of the 160 new pairs")
                    .isFalse();
            assertThat(d.catalog().list(config.family())).hasSize(1);
            assertThat(d.maybeStartRound())
                    .as("the skipped pairs count as seen")
                    .isFalse();
        }
    }

    /** A version's bundle as the distiller stored it. */
    private static ModelBundle storedBundle(DistillerConfig config, ModelVersion version) throws Exception {
        return ModelBundle.parse(new DirectoryModelStore(config.storeDir())
                .get(version.getSha256())
                .orElseThrow());
    }

    /** Initial weights trained on 64 depth pairs for {@code epochs}, with 80 RGB + depth anchor pairs beside them. */
    private Path initialWithDepthAnchors(int epochs) throws Exception {
        return initialWithDepthAnchors(64, epochs);
    }

    /** Initial weights trained on {@code pairs} depth pairs for {@code epochs}, with 80 anchor pairs beside them. */
    private Path initialWithDepthAnchors(int pairs, int epochs) throws Exception {
        Path saved = dir.resolve("initial-" + pairs + "-" + epochs);
        InitialWeights.train(
                        TestSamples.stream("cam-0", 0, pairs, i -> i % 4),
                        tinyConfig(dir.resolve("a"), Map.of()).round(),
                        epochs,
                        RoundListener.NONE,
                        Map.of())
                .save(saved);
        AnchorPairs.save(TestSamples.stream("cam-9", 5000, 5080, i -> i % 4), saved);
        return saved;
    }

    /**
     * Publishes v0 and runs a round on depth pairs that teach the shared graph nothing true (shuffled targets) and
     * thermal pairs of patterns v0 never saw; returns v0.
     */
    private static ModelVersion roundOnShuffledDepthAndNewThermal(Distiller d, DistillerConfig config)
            throws Exception {
        ModelVersion v0 = d.maybePublishInitial().orElseThrow();
        d.onModel(config.family(), v0);
        feedShuffled(d, "cam-1", 0, 150);
        for (int i = 150; i < 450; i++) {
            d.onTeacherEmbedding(TestSamples.distinctThermal("cam-3", i, i % 4));
        }
        assertThat(d.maybeStartRound()).isTrue();
        d.awaitRound(ROUND_TIMEOUT);
        return v0;
    }

    @Test
    void aModalityTheAnchorPairsDoNotCoverGetsAGraphOfItsOwnThatKeepsMoreOfTheRound() throws Exception {
        Path saved = initialWithDepthAnchors(3);
        for (String share : List.of("1.0", "0.3")) {
            DistillerConfig config = tinyConfig(
                    dir.resolve("own-" + share),
                    Map.of(
                            "distill.initial-weights",
                            saved.toString(),
                            "distill.stage1.new-modality-interpolation",
                            share));
            try (Distiller d = distiller(config, RoundListener.NONE)) {
                ModelVersion v0 = d.maybePublishInitial().orElseThrow();
                d.onModel(config.family(), v0);
                feed(d, "cam-1", 0, 110);
                TestSamples.stream("cam-3", 110, 220, i -> i % 4).stream()
                        .map(TestSamples::thermal)
                        .forEach(d::onTeacherEmbedding);
                assertThat(d.maybeStartRound()).isTrue();
                d.awaitRound(ROUND_TIMEOUT);
                ModelVersion v1 = d.catalog().get(config.family(), 1).orElseThrow();
                ModelBundle bundle = storedBundle(config, v1);
                Map<String, Double> m = d.lastRound().metrics();
                if (share.equals("0.3")) {
                    assertThat(bundle.manifest().modalityEntries())
                            .as("at the shared share every modality runs one graph")
                            .isEmpty();
                    assertThat(m).doesNotContainKey("stage1.ownGraphs");
                    continue;
                }
                assertThat(bundle.manifest().modalityEntries())
                        .as(
                                "thermal, which the depth anchor pairs do not cover, runs a graph of its own; depth does not")
                        .containsOnlyKeys("THERMAL");
                assertThat(m).containsEntry("stage1.ownGraphs", 1.0).containsEntry("train.fromAnchor", 0.0);
                assertThat(bundle.entryFile(Modality.THERMAL)).isNotEqualTo(bundle.entryFile());
                assertThat(m)
                        .as("the gate judged thermal pairs with the thermal graph")
                        .containsKey("gate.vsLive.THERMAL.pairs");
            }
        }
    }

    @Test
    void aThermalGraphThatLearntShipsWithTheLiveSharedGraphWhenTheCandidatesSharedGraphIsNoBetter() throws Exception {
        Path saved = initialWithDepthAnchors(3);
        DistillerConfig config = tinyConfig(
                dir.resolve("b"), Map.of("distill.initial-weights", saved.toString(), "distill.stage1.epochs", "6"));
        try (Distiller d = distiller(config, RoundListener.NONE)) {
            ModelVersion v0 = roundOnShuffledDepthAndNewThermal(d, config);
            Map<String, Double> m = d.lastRound().metrics();
            assertThat(d.lastRound().published())
                    .as("verdict: %s", d.lastRound().verdict().reason())
                    .isTrue();
            assertThat(m).as("shipped with v0's shared graph").containsEntry("gate.sharedGraphFromVersion", 0.0);
            ModelBundle shipped = storedBundle(config, published.get(published.size() - 1));
            ModelBundle zero = storedBundle(config, v0);
            assertThat(shipped.entryFile())
                    .as("depth and RGB run exactly v0's graph")
                    .isEqualTo(zero.entryFile());
            assertThat(shipped.manifest().modalityEntries()).containsOnlyKeys("THERMAL");
            assertThat(m.get("gate.vsLive.THERMAL.candidate")).isGreaterThan(m.get("gate.vsLive.THERMAL.other"));
        }
    }

    @Test
    void theNextRoundsThermalGraphContinuesFromTheLiveOneUnlessToldToStartFromTheAnchor() throws Exception {
        Path saved = initialWithDepthAnchors(3);
        Map<String, Double> lossByStart = new HashMap<>();
        for (String start : List.of("live", "anchor")) {
            DistillerConfig config = tinyConfig(
                    dir.resolve("start-" + start),
                    Map.of(
                            "distill.initial-weights",
                            saved.toString(),
                            "distill.stage1.epochs",
                            "6",
                            "distill.stage1.own-graph-start",
                            start));
            try (Distiller d = distiller(config, RoundListener.NONE)) {
                roundOnShuffledDepthAndNewThermal(d, config);
                assertThat(d.lastRound().metrics()).containsEntry("stage1.THERMAL.fromLive", 0.0);
                ModelVersion v1 = published.get(published.size() - 1);
                assertThat(v1.getVersion())
                        .as("verdict: %s", d.lastRound().verdict().reason())
                        .isEqualTo(1);
                byte[] liveThermal = storedBundle(config, v1).entryFile(Modality.THERMAL);
                assertThat(Checkpoints.in(config.storeDir()).get(Digests.sha256Hex(liveThermal)))
                        .as("the weights behind v1's thermal graph are kept, named by the graph")
                        .isPresent();
                d.onModel(config.family(), v1);

                feedShuffled(d, "cam-1", 1000, 1150);
                for (int i = 1150; i < 1450; i++) { // more of the same thermal patterns
                    d.onTeacherEmbedding(TestSamples.distinctThermal("cam-3", i, i % 4));
                }
                assertThat(d.maybeStartRound()).isTrue();
                d.awaitRound(ROUND_TIMEOUT);
                Map<String, Double> m = d.lastRound().metrics();
                assertThat(m).containsEntry("stage1.THERMAL.fromLive", start.equals("live") ? 1.0 : 0.0);
                lossByStart.put(start, m.get("stage1.THERMAL.loss"));
            }
        }
        assertThat(lossByStart.get("live"))
                .as("continuing from the live thermal graph starts where the last round ended: %s", lossByStart)
                .isLessThan(lossByStart.get("anchor"));
    }

    @Test
    void aSharedGraphThatShipsKeepsTheLiveThermalGraphWhenItsOwnIsNoBetter() throws Exception {
        Path saved = initialWithDepthAnchors(1);
        // the rules of what ships are under test here, not how the thermal graph trains: joint training learns these
        // thermal patterns from a one-epoch v0 in six epochs by a wider margin than training alone does
        DistillerConfig config = tinyConfig(
                dir.resolve("b"),
                Map.of(
                        "distill.initial-weights", saved.toString(),
                        "distill.stage1.epochs", "6",
                        "distill.stage1.own-graph-training", "joint"));
        try (Distiller d = distiller(config, RoundListener.NONE)) {
            roundOnShuffledDepthAndNewThermal(d, config);
            ModelVersion v1 = published.get(published.size() - 1);
            assertThat(v1.getVersion()).isEqualTo(1);
            d.onModel(config.family(), v1);

            feed(d, "cam-2", 1000, 1800); // honest depth: the shared graph can show a gain
            for (int i = 1800; i < 2000; i++) { // thermal with the wrong targets: its own graph cannot
                TeacherEmbedding honest = TestSamples.distinctThermal("cam-3", i, i % 4);
                d.onTeacherEmbedding(TeacherEmbedding.newBuilder(honest)
                        .setEmbedding(
                                TestSamples.sample("cam-3", i, (i + 1) % 4).getEmbedding())
                        .build());
            }
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            Map<String, Double> m = d.lastRound().metrics();
            assertThat(m)
                    .as("verdict: %s", d.lastRound().verdict().reason())
                    .containsEntry("gate.ownGraphsFromVersion", 1.0);
            ModelBundle shipped = storedBundle(config, published.get(published.size() - 1));
            ModelBundle live = storedBundle(config, v1);
            assertThat(shipped.manifest().version()).isEqualTo(2);
            assertThat(shipped.entryFile(Modality.THERMAL)).isEqualTo(live.entryFile(Modality.THERMAL));
            assertThat(shipped.entryFile()).isNotEqualTo(live.entryFile());
        }
    }

    @Test
    void theFirstRoundStartsFromInitialWeightsThatFitAndFromFreshOnesOtherwise() throws Exception {
        DistillerConfig config = tinyConfig(dir.resolve("a"), Map.of());
        InitialWeights initial = InitialWeights.train(
                TestSamples.stream("cam-0", 0, 64, i -> i % 4),
                config.round(),
                3,
                RoundListener.NONE,
                Map.of("command", "test"));
        assertThat(initial.fits(config.round().student(TestSamples.DIM), TestSamples.TEACHER))
                .isTrue();
        assertThat(initial.fits(config.round().student(TestSamples.DIM), "another-teacher"))
                .as("another embedding space")
                .isFalse();
        Path saved = dir.resolve("initial");
        initial.save(saved);
        assertThat(InitialWeights.load(saved.toString())).hasValueSatisfying(w -> {
            assertThat(w.weights()).isEqualTo(initial.weights());
            assertThat(w.provenance())
                    .containsEntry("teacher.id", TestSamples.TEACHER)
                    .containsEntry("pairs", "64");
        });
        assertThat(InitialWeights.load(InitialWeights.NONE)).isEmpty();

        try (Distiller d = distiller(
                tinyConfig(dir.resolve("b"), Map.of("distill.initial-weights", saved.toString())),
                RoundListener.NONE)) {
            feed(d, "cam-1", 0, 200);
            d.maybeStartRound();
            d.awaitRound(ROUND_TIMEOUT);
            assertThat(d.lastRound().metrics()).containsEntry("train.warmStart", 1.0);
        }
        try (Distiller d = distiller(
                tinyConfig(
                        dir.resolve("c"),
                        Map.of("distill.initial-weights", saved.toString(), "distill.student.blocks", "8/2,24/2")),
                RoundListener.NONE)) {
            feed(d, "cam-1", 0, 200);
            d.maybeStartRound();
            d.awaitRound(ROUND_TIMEOUT);
            assertThat(d.lastRound().metrics())
                    .as("weights of another layout are not used")
                    .containsEntry("train.warmStart", 0.0);
        }
    }

    @Test
    void unroutedThermalPairsTeachTheThermalGraphWhatTheLiveStudentSeesInTheirRgbFrames() throws Exception {
        Path saved = initialWithDepthAnchors(256, 40); // a v0 that reads the photos well
        Map<String, Double> agreement = new HashMap<>();
        for (String capacity : List.of("0", "2000")) {
            DistillerConfig config = tinyConfig(
                    dir.resolve("self-" + capacity),
                    Map.of(
                            "distill.initial-weights",
                            saved.toString(),
                            "distill.self-targets.capacity",
                            capacity,
                            "distill.self-targets.sample-rate",
                            "1"));
            try (Distiller d = distiller(config, RoundListener.NONE)) {
                ModelVersion v0 = d.maybePublishInitial().orElseThrow();
                d.onModel(config.family(), v0);
                feed(d, "cam-1", 0, 60);
                for (int i = 60; i < 200; i++) { // few teacher pairs of thermal patterns v0 never saw
                    d.onTeacherEmbedding(TestSamples.distinctThermal("cam-3", i, i % 4));
                }
                int kept = 0;
                for (int i = 1000; i < 1600; i++) { // many more the teacher never embedded
                    kept += d.onPair(TestSamples.distinctThermal("cam-4", i, i % 4)
                                    .getPair())
                            ? 1
                            : 0;
                }
                assertThat(d.onPair(TestSamples.sample("cam-1", 5000, 0).getPair()))
                        .as("depth, which the anchor pairs cover, is not pooled (nor anything's companion here)")
                        .isFalse();
                assertThat(d.onPair(TestSamples.thermal(TestSamples.dark(TestSamples.sample("cam-4", 5001, 0)))
                                .getPair()))
                        .as("a dark RGB frame is no target")
                        .isFalse();
                assertThat(kept).isEqualTo(capacity.equals("0") ? 0 : 600);
                assertThat(d.maybeStartRound()).isTrue();
                d.awaitRound(ROUND_TIMEOUT);
                Map<String, Double> m = d.lastRound().metrics();
                assertThat(m).containsEntry("train.selfTargetSamples", capacity.equals("0") ? 0.0 : 600.0);
                if (!capacity.equals("0")) {
                    assertThat(m.get("train.selfTargets.THERMAL.rgbAgreement"))
                            .as("v0 reads the photos better than the thermal images: it may teach them")
                            .isGreaterThan(m.get("train.selfTargets.THERMAL.agreement"));
                }
                agreement.put(capacity, m.get("gate.vsLive.THERMAL.candidate"));
            }
        }
        assertThat(agreement.get("2000"))
                .as("thermal agreement with the teacher on held-out pairs, with and without the pool: %s", agreement)
                .isGreaterThan(agreement.get("0"));
    }

    @Test
    void aThermalPairWhoseMomentTheDepthCameraAlsoSawTakesItsTargetFromTheViewThatAgreesWithTheTeacher()
            throws Exception {
        Path saved = initialWithDepthAnchors(256, 40); // a v0 that reads photos and depth well
        for (String companions : List.of("true", "false")) {
            DistillerConfig config = tinyConfig(
                    dir.resolve("companions-" + companions),
                    Map.of(
                            "distill.initial-weights",
                            saved.toString(),
                            "distill.self-targets.sample-rate",
                            "1",
                            "distill.self-targets.companions",
                            companions));
            try (Distiller d = distiller(config, RoundListener.NONE)) {
                ModelVersion v0 = d.maybePublishInitial().orElseThrow();
                d.onModel(config.family(), v0);
                // depth pairs of the uniform slice whose photos mislead: there the depth frame, not the photo, matches
                // the teacher; the uncertainty-routed ones (the same pictures) are no evidence of it
                for (int i = 0; i < 60; i++) {
                    d.onTeacherEmbedding(routed(
                            misleadingPhoto(TestSamples.sample("cam-1", i, i % 4)),
                            i < 40 ? RouteReason.EXPLORATION : RouteReason.LOW_MARGIN));
                }
                for (int i = 60; i < 200; i++) { // thermal images v0 cannot read at all: its photos teach them
                    d.onTeacherEmbedding(noiseThermal("cam-3", i, i % 4));
                }
                int claimed = 0;
                for (int i = 1000; i < 1300; i++) {
                    // the device's depth frame of the same moment, before or after its thermal pair
                    FramePair depth = TestSamples.sample("cam-4", i, i % 4).getPair();
                    FramePair thermal = noiseThermal("cam-4", i, i % 4).getPair();
                    if (i % 2 == 0) {
                        claimed += d.onPair(depth) ? 1 : 0;
                        assertThat(d.onPair(thermal)).isTrue();
                    } else {
                        assertThat(d.onPair(thermal)).isTrue();
                        claimed += d.onPair(depth) ? 1 : 0;
                    }
                }
                assertThat(claimed)
                        .as("a depth frame arriving after its thermal pair is claimed by it")
                        .isEqualTo(companions.equals("true") ? 150 : 0);
                assertThat(d.maybeStartRound()).isTrue();
                d.awaitRound(ROUND_TIMEOUT);
                Map<String, Double> m = d.lastRound().metrics();
                assertThat(m).as("%s", m).containsEntry("train.selfTargetSamples", 300.0);
                if (companions.equals("true")) {
                    assertThat(m).containsEntry("train.selfTargets.companion.DEPTH.pairs", 300.0);
                    assertThat(m).containsEntry("train.selfTargets.companion.DEPTH.evidence", 40.0);
                    assertThat(m.get("train.selfTargets.companion.DEPTH.agreement"))
                            .as("v0's depth embeddings agree with the teacher where its photos mislead")
                            .isGreaterThan(m.get("train.selfTargets.companion.DEPTH.rgbAgreement"));
                    assertThat(m.get("train.selfTargets.companion.DEPTH.rule"))
                            .as("the mean or the depth frame's alone, not the photo's")
                            .isNotEqualTo((double) CompanionTargets.Rule.RGB.ordinal());
                } else {
                    assertThat(m).doesNotContainKey("train.selfTargets.companion.DEPTH.pairs");
                }
            }
        }
    }

    private static TeacherEmbedding routed(TeacherEmbedding sample, RouteReason reason) {
        return TeacherEmbedding.newBuilder(sample).setReasons(List.of(reason)).build();
    }

    /** A thermal pair whose thermal image is noise with nothing of its class in it (its photo and teacher intact). */
    private static TeacherEmbedding noiseThermal(String device, long sequence, int c) {
        TeacherEmbedding base = TestSamples.thermal(TestSamples.sample(device, sequence, c));
        byte[] data = new byte[base.getPair().getAux().getData().remaining()];
        java.util.Random r = new java.util.Random(sequence);
        for (int p = 0; p + 1 < data.length; p += 2) {
            int v = 29315 + r.nextInt(400);
            data[p] = (byte) (v & 0xff);
            data[p + 1] = (byte) (v >> 8);
        }
        var aux = dev.edgevl.avro.SensorFrame.newBuilder(base.getPair().getAux())
                .setData(java.nio.ByteBuffer.wrap(data))
                .build();
        return TeacherEmbedding.newBuilder(base)
                .setPair(FramePair.newBuilder(base.getPair()).setAux(aux).build())
                .build();
    }

    @Test
    void aStudentThatReadsTheModalityBetterThanItsPhotosDoesNotTeachIt() throws Exception {
        Path saved = initialWithDepthAnchors(3);
        DistillerConfig config = tinyConfig(
                dir.resolve("self"),
                Map.of("distill.initial-weights", saved.toString(), "distill.self-targets.sample-rate", "1"));
        try (Distiller d = distiller(config, RoundListener.NONE)) {
            ModelVersion v0 = d.maybePublishInitial().orElseThrow();
            d.onModel(config.family(), v0);
            feed(d, "cam-1", 0, 60);
            // thermal pairs whose photos show the next class: the student's reading of them misleads
            for (int i = 60; i < 200; i++) {
                d.onTeacherEmbedding(misleadingPhoto(TestSamples.distinctThermal("cam-3", i, i % 4)));
            }
            for (int i = 1000; i < 1300; i++) {
                assertThat(d.onPair(misleadingPhoto(TestSamples.distinctThermal("cam-4", i, i % 4))
                                .getPair()))
                        .isTrue();
            }
            assertThat(d.status().selfTargetPairs()).isEqualTo(300);
            assertThat(d.maybeStartRound()).isTrue();
            d.awaitRound(ROUND_TIMEOUT);
            Map<String, Double> m = d.lastRound().metrics();
            assertThat(m.get("train.selfTargets.THERMAL.rgbAgreement"))
                    .isLessThanOrEqualTo(m.get("train.selfTargets.THERMAL.agreement"));
            assertThat(m).containsEntry("train.selfTargetSamples", 0.0);
        }
    }

    /** The same pair with the photo of the next class in place of its own (the teacher's embedding unchanged). */
    private static TeacherEmbedding misleadingPhoto(TeacherEmbedding sample) {
        var aux = sample.getPair().getAux();
        int c = TestSamples.LABELS.size();
        int next = (int) ((aux.getSequence() % c + 1) % c);
        var photo = TestSamples.sample(aux.getDeviceId(), aux.getSequence(), next)
                .getPair()
                .getRgb();
        return TeacherEmbedding.newBuilder(sample)
                .setPair(dev.edgevl.avro.FramePair.newBuilder(sample.getPair())
                        .setRgb(photo)
                        .build())
                .build();
    }

    @Test
    void pairsWhoseRgbFrameIsTooDarkAreNotLearntFrom() throws Exception {
        try (Distiller d = distiller(tinyConfig(dir, Map.of()), RoundListener.NONE)) {
            assertThat(d.onTeacherEmbedding(TestSamples.dark(TestSamples.sample("cam-1", 1, 0))))
                    .isEqualTo(ReplayBuffer.Outcome.DARK_RGB);
            assertThat(d.onTeacherEmbedding(TestSamples.sample("cam-1", 2, 0)))
                    .isIn(ReplayBuffer.Outcome.TRAINING, ReplayBuffer.Outcome.HELD_OUT);
            assertThat(d.status().train() + d.status().heldOut()).isEqualTo(1);
            assertThat(d.status().newSamples()).isLessThanOrEqualTo(1);
        }
        try (Distiller d = distiller(
                tinyConfig(dir.resolve("all"), Map.of("distill.rgb.min-brightness", "0")), RoundListener.NONE)) {
            assertThat(d.onTeacherEmbedding(TestSamples.dark(TestSamples.sample("cam-1", 1, 0))))
                    .as("0 keeps every pair")
                    .isIn(ReplayBuffer.Outcome.TRAINING, ReplayBuffer.Outcome.HELD_OUT);
        }
    }

    /** A real signed int8 student (16×16 in, {@code TestSamples.DIM} out), so that it verifies and loads. */
    private static ModelVersion record(KeyPair keys, long version) {
        return record(keys, version, 16);
    }

    /** @param declaredInput the input size the manifest declares; the graph takes 16×16 whatever it says */
    private static ModelVersion record(KeyPair keys, long version, int declaredInput) {
        dev.edgevl.model.quant.FoldedStudent student = dev.edgevl.model.onnx.Calibration.calibrate(
                dev.edgevl.model.quant.TestStudents.tiny(version),
                dev.edgevl.model.quant.TestStudents.images(8, 16, version + 1),
                8);
        byte[] bundle = dev.edgevl.model.onnx.StudentBundles.int8(
                dev.edgevl.model.onnx.OnnxExporter.exportInt8(student),
                declaredInput,
                student.embeddingDim(),
                dev.edgevl.model.bundle.BundleManifest.builder()
                        .family("student")
                        .version(version)
                        .createdAt(TestSamples.T0)
                        .teacherId(TestSamples.TEACHER));
        dev.edgevl.model.bundle.SignedBundle signed = BundleSigner.of(keys).sign(bundle);
        return dev.edgevl.model.bundle.ModelVersions.toRecord(
                signed,
                dev.edgevl.model.bundle.ModelBundle.parse(signed.bytes()),
                dev.edgevl.model.bundle.BundleDelivery.inline(),
                TestSamples.T0);
    }
}
