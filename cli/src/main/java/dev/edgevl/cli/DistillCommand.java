package dev.edgevl.cli;

import dev.edgevl.distill.continual.Distiller;
import dev.edgevl.distill.continual.DistillerApp;
import dev.edgevl.distill.continual.DistillerConfig;
import dev.edgevl.distill.continual.RoundListener;
import dev.edgevl.distill.continual.RoundReport;
import dev.edgevl.distill.continual.SigningKeys;
import dev.edgevl.model.bundle.DevKeys;
import java.io.PrintWriter;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "distill", mixinStandardHelpOptions = true,
        description = {"Run the continual distiller until Ctrl-C: keeps a replay buffer of teacher.embeddings (balanced per teacher",
                "pseudo-label, with a held-out slice), retrains the student when distill.trigger.samples new pairs arrived or",
                "distill.trigger.interval passed (stage 1 distillation, pseudo-labels, stage 2 int8 quantization-aware training),",
                "gates the candidate against the live version on the held-out slice, stores it in distill.store.dir and publishes the",
                "signed version to models. Bundles are signed with distill.signing-key (an Ed25519 PEM), or with a development key",
                "made in DIR by --dev-keys. Restarting rebuilds the buffer from the topic and resumes."})
final class DistillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    RunLength runLength = new RunLength();

    @Option(names = "--dev-keys", paramLabel = "DIR",
            description = "Sign with a development key pair kept in DIR (made there on first use; not for production). "
                    + "Consumers trust DIR/" + DevKeys.PUBLIC_KEY_FILE + ".")
    java.nio.file.Path devKeys;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DistillerConfig config = DistillerConfig.from(cluster.settings());
        KeyPair keys = keys(config, out);
        StopSignal signal = new StopSignal();
        try {
            try (DistillerApp app = DistillerApp.start(cluster.settings(), cluster.bootstrap, keys, RoundListener.NONE)) {
                out.printf("The distiller is rebuilding its replay buffer from teacher.embeddings. %s%n", runLength.howItEnds());
                out.flush();
                try (Progress progress = new Progress(out, Duration.ofSeconds(10), () -> line(app.distiller().status()))) {
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
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "The distiller signs what it publishes: set "
                    + DistillerConfig.SIGNING_KEY.key() + " to an Ed25519 private key (PEM), or pass --dev-keys DIR for a development key.");
        }
        DevKeys keys = DevKeys.loadOrCreate(devKeys);
        out.printf("Signing with the development key %s; consumers trust %s (not for production).%n", keys.keyId(), keys.publicKeyFile());
        return keys.keyPair();
    }

    static String line(Distiller.Status s) {
        RoundReport last = s.lastRound();
        String round = last == null ? "no round yet"
                : last.failed() ? "last round v" + last.version() + " failed: " + last.failure()
                : String.format("last round v%d %s (non-RGB agreement %.3f%s)", last.version(), last.published() ? "published" : "kept back",
                        last.verdict().candidate(), Double.isNaN(last.verdict().live()) ? "" : String.format(" vs live %.3f", last.verdict().live()));
        return String.format("buffer %,d training + %,d held-out pairs, %,d new  live %s  %s  %s", s.train(), s.heldOut(), s.newSamples(),
                s.liveVersion() == null ? "none" : "v" + s.liveVersion(), s.phase(), round);
    }
}
