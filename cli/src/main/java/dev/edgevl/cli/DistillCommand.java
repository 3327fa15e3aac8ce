package dev.edgevl.cli;

import dev.edgevl.config.Settings;
import dev.edgevl.distill.AnchorPairs;
import dev.edgevl.distill.Distiller;
import dev.edgevl.distill.DistillerApp;
import dev.edgevl.distill.DistillerConfig;
import dev.edgevl.distill.InitialWeights;
import dev.edgevl.distill.RoundListener;
import dev.edgevl.distill.RoundReport;
import dev.edgevl.distill.RoundSettings;
import dev.edgevl.distill.SigningKeys;
import dev.edgevl.eval.offline.OfflinePairs;
import dev.edgevl.model.bundle.DevKeys;
import dev.edgevl.model.teacher.TeacherConfig;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.model.teacher.TeacherModels;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        subcommands = DistillCommand.Bootstrap.class,
        description = {
            "Run the continual distiller until Ctrl-C: keeps a replay buffer of teacher.embeddings (balanced per teacher",
            "pseudo-label, with a held-out slice), retrains the student when distill.trigger.samples new pairs arrived or",
            "distill.trigger.interval passed (stage 1 from the shipped student with replayed anchor pairs, pseudo-labels,",
            "stage 2 int8 quantization-aware training), gates the candidate pair by pair against the live version and v0 on",
            "the anchor pairs and the held-out slice, stores it in distill.store.dir and publishes the signed version to",
            "models; rolls the live version back when it falls below v0 on new pairs (distill.backstop.*). Bundles are",
            "signed with distill.signing-key (an Ed25519 PEM), or with a development key made in DIR by --dev-keys.",
            "Restarting rebuilds the buffer from the topic and resumes."
        })
final class DistillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    RunLength runLength = new RunLength();

    @Option(
            names = "--dev-keys",
            paramLabel = "DIR",
            description = "Sign with a development key pair kept in DIR (made there on first use; not for production). "
                    + "Consumers trust DIR/" + DevKeys.PUBLIC_KEY_FILE + ".")
    Path devKeys;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DistillerConfig config = DistillerConfig.from(cluster.settings());
        KeyPair keys = keys(config, out);
        StopSignal signal = new StopSignal();
        try {
            try (DistillerApp app =
                    DistillerApp.start(cluster.settings(), cluster.bootstrap, keys, RoundListener.NONE)) {
                out.printf(
                        "The distiller is rebuilding its replay buffer from teacher.embeddings. %s%n",
                        runLength.howItEnds());
                out.flush();
                try (Progress progress = new Progress(
                        out, Duration.ofSeconds(10), () -> line(app.distiller().status()))) {
                    signal.await(runLength.duration);
                }
                out.println("Stopping the distiller...");
                out.flush();
            }
            out.println("The distiller stopped cleanly.");
            out.flush();
            return 0;
        } finally {
            signal.cleanedUp();
        }
    }

    private KeyPair keys(DistillerConfig config, PrintWriter out) throws Exception {
        if (config.signingKey() != null) {
            return SigningKeys.pair(config);
        }
        if (devKeys == null) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "The distiller signs what it publishes: set " + DistillerConfig.SIGNING_KEY.key()
                            + " to an Ed25519 private key (PEM), or pass --dev-keys DIR for a development key.");
        }
        DevKeys keys = DevKeys.loadOrCreate(devKeys);
        out.printf(
                "Signing with the development key %s; consumers trust %s (not for production).%n",
                keys.keyId(), keys.publicKeyFile());
        return keys.keyPair();
    }

    static String line(Distiller.Status s) {
        RoundReport last = s.lastRound();
        String round = last == null
                ? "no round yet"
                : last.failed()
                        ? "last round v" + last.version() + " failed: " + last.failure()
                        : String.format(
                                "last round v%d %s (non-RGB agreement %.3f%s)",
                                last.version(),
                                last.published() ? "published" : "kept back",
                                last.verdict().candidate(),
                                Double.isNaN(last.verdict().live())
                                        ? ""
                                        : String.format(
                                                " vs live %.3f", last.verdict().live()));
        return String.format(
                "buffer %,d training + %,d held-out pairs, %,d new  live %s%s  %s  %s",
                s.train(),
                s.heldOut(),
                s.newSamples(),
                s.liveVersion() == null ? "none" : "v" + s.liveVersion(),
                s.canaryVersion() == null ? "" : ", canary v" + s.canaryVersion(),
                s.phase(),
                round);
    }

    @Command(
            name = "bootstrap",
            mixinStandardHelpOptions = true,
            description = {
                "Distil the initial student offline (EdgeVL's first step, stage 1 only): renders --pairs unlabelled RGB + depth",
                "pairs of the default world, embeds their RGB images with the configured teacher (teacher.*) and trains the",
                "distill.student.* layout on them for --epochs, then folds, calibrates and exports it as int8 (the version 0 the",
                "distiller publishes before any round). Writes student.params, student.int8.onnx and student.properties (how it was",
                "made) to --out, for distill.initial-weights. With --int8-only, keeps the weights already in --out and makes only",
                "their int8 export. No ground truth is read."
            })
    static final class Bootstrap implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(
                names = "--pairs",
                defaultValue = "4000",
                description = "Pairs to render and embed (default: ${DEFAULT-VALUE}).")
        int pairs;

        @Option(
                names = "--epochs",
                defaultValue = "5",
                description = "Stage-1 passes over them (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(
                names = "--seed",
                defaultValue = "1",
                description = "Seed of the scenes and the training (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "DIR",
                description = "Where the weights and their provenance go.")
        Path out;

        @Option(
                names = "--int8-only",
                description = "Keep the weights in --out and make only their int8 export, calibrated on the first "
                        + "pairs of the same offline set.")
        boolean int8Only;

        @Option(
                names = "--anchor-pairs",
                defaultValue = "" + AnchorPairs.DEFAULT_COUNT,
                description =
                        "Anchor pairs to render past the training pairs and embed (default: ${DEFAULT-VALUE}): the"
                                + " distiller replays half of them in every round and judges every candidate on the other half.")
        int anchorPairs;

        @Option(
                names = "--anchor-only",
                description = "Keep the weights in --out and make only their anchor pairs (the same offline world and"
                        + " seed as the weights, past the pairs they were trained on).")
        boolean anchorOnly;

        @Override
        public Integer call() throws Exception {
            PrintWriter w = spec.commandLine().getOut();
            Settings settings = config.settings();
            DistillerConfig dc = DistillerConfig.from(settings);
            RoundSettings round = dc.round().with(epochs, seed);
            long started = System.nanoTime();
            try (TeacherModel teacher = TeacherModels.load(settings)) {
                if (anchorOnly) {
                    InitialWeights existing =
                            InitialWeights.load(out.toString()).orElseThrow();
                    long weightsSeed = Long.parseLong(existing.provenance().getOrDefault("seed", Long.toString(seed)));
                    int trained =
                            Integer.parseInt(existing.provenance().getOrDefault("pairs", Integer.toString(pairs)));
                    writeAnchors(w, teacher, settings, weightsSeed, trained, started);
                    return 0;
                }
                if (int8Only) {
                    InitialWeights existing =
                            InitialWeights.load(out.toString()).orElseThrow();
                    long weightsSeed = Long.parseLong(existing.provenance().getOrDefault("seed", Long.toString(seed)));
                    var calibration = OfflinePairs.embedded(
                            teacher,
                            TeacherConfig.from(settings).inputSpec(teacher.imageSize()),
                            weightsSeed,
                            0,
                            InitialWeights.CALIBRATION_PAIRS);
                    InitialWeights exported = existing.withInt8(calibration, round, weightsSeed);
                    exported.saveInt8(out);
                    w.printf(
                            "Wrote %s (%,d bytes) to %s in %.0f s.%n",
                            InitialWeights.INT8_FILE,
                            exported.int8Onnx().length,
                            out.toAbsolutePath(),
                            (System.nanoTime() - started) / 1e9);
                    w.flush();
                    return 0;
                }
                w.printf("Rendering %,d pairs and embedding their RGB images with %s...%n", pairs, teacher.id());
                w.flush();
                var embedded = OfflinePairs.embedded(
                        teacher, TeacherConfig.from(settings).inputSpec(teacher.imageSize()), seed, 0, pairs);
                w.printf("Stage 1 on %,d pairs for %d epochs...%n", pairs, epochs);
                w.flush();
                Map<String, String> provenance = new TreeMap<>();
                provenance.put(
                        "command",
                        "./edgevl distill bootstrap --pairs " + pairs + " --epochs " + epochs + " --seed " + seed
                                + " --out DIR");
                provenance.put("version", Version.number());
                provenance.put("date", LocalDate.now().toString());
                InitialWeights weights = InitialWeights.train(
                        embedded,
                        round,
                        seed,
                        (phase, done, total) -> {
                            w.printf("  %s: epoch %d/%d%n", phase, done, total);
                            w.flush();
                        },
                        provenance);
                weights.save(out);
                writeAnchors(w, teacher, settings, seed, pairs, started);
                w.printf(
                        "Wrote %s (%,d bytes), %s and %s to %s in %.0f s: %s.%n",
                        InitialWeights.WEIGHTS_FILE,
                        weights.weights().length,
                        InitialWeights.INT8_FILE,
                        InitialWeights.PROPERTIES_FILE,
                        out.toAbsolutePath(),
                        (System.nanoTime() - started) / 1e9,
                        weights.describe());
                w.flush();
            }
            return 0;
        }

        private void writeAnchors(
                PrintWriter w, TeacherModel teacher, Settings settings, long weightsSeed, int trained, long started)
                throws java.io.IOException {
            if (anchorPairs <= 0) {
                return;
            }
            w.printf("Rendering %,d anchor pairs past the %,d training pairs...%n", anchorPairs, trained);
            w.flush();
            var anchors = OfflinePairs.embedded(
                    teacher,
                    TeacherConfig.from(settings).inputSpec(teacher.imageSize()),
                    weightsSeed,
                    trained,
                    trained + anchorPairs);
            AnchorPairs.save(anchors, out);
            w.printf(
                    "Wrote %s (%,d pairs) to %s in %.0f s.%n",
                    AnchorPairs.FILE, anchors.size(), out.toAbsolutePath(), (System.nanoTime() - started) / 1e9);
            w.flush();
        }
    }
}
