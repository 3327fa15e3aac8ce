package dev.edgevl.cli;

import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.console.Console;
import dev.edgevl.console.ConsoleConfig;
import dev.edgevl.distill.DistillerConfig;
import dev.edgevl.eval.live.LiveEvaluator;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.teacher.TeacherConfig;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.model.teacher.TeacherModels;
import dev.edgevl.schemas.serde.AvroSerdes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The web console against any cluster: the same page edgevl local serves. */
@Command(
        name = "console",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the web console for a running cluster until Ctrl-C or --duration: the latest frames of every device with",
            "the student's top-3 labels (and the teacher's when the pair was routed), accuracy per modality over time where the",
            "simulator's ground truth is on sim.truth, the fleet and its rollout, the labels and the model versions; /metrics",
            "beside it. Actions (labels, promote, rollback) need --set console.token=SECRET, sent by the page as a bearer token;",
            "without one the console is read-only. Settings: console.* (host, port, token)."
        })
final class ConsoleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    RunLength runLength = new RunLength();

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "The console's port (sets console.port; default 8088, 0 picks a free one).")
    Integer port;

    @Option(
            names = "--store",
            paramLabel = "DIR",
            description =
                    "The distiller's model store, for the list of versions and promote/rollback. Default: the distill.store.dir setting.")
    Path store;

    @Option(
            names = "--trust",
            paramLabel = "PEM",
            description =
                    "The fleet's signing public key: the accuracy charts then show the frozen v0 (verified with it) and"
                            + " the teacher alone beside what the fleet ran. Without it, only what the fleet ran.")
    List<Path> trust = List.of();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = cluster.settings();
        if (port != null) {
            settings = settings.with(ConsoleConfig.PORT.key(), port.toString());
        }
        DistillerConfig distiller = DistillerConfig.from(settings);
        if (store != null) {
            distiller = distiller.withStoreDir(store);
        }
        Map<String, Object> client = KafkaSettings.clientProperties(settings, cluster.bootstrap);
        StopSignal signal = new StopSignal();
        TeacherModel teacher = trust.isEmpty() ? null : TeacherModels.load(settings);
        try (AvroSerdes serdes = AvroSerdes.fromSettings(settings);
                LiveEvaluator evaluator = new LiveEvaluator(
                        client, serdes, LiveEvaluator.Options.of("cluster", List.of()), baselines(settings, teacher));
                Console console = Console.start(settings, client, serdes, distiller, evaluator::report, false)) {
            out.printf(
                    "The console for %s is at %s (%s); its metrics at %smetrics. %s%n",
                    client.get("bootstrap.servers"),
                    console.url(),
                    ConsoleConfig.from(settings).readOnly()
                            ? "read-only: --set console.token=SECRET allows its actions"
                            : "actions need console.token",
                    console.url(),
                    runLength.howItEnds());
            out.flush();
            signal.await(runLength.duration);
        } finally {
            if (teacher != null) {
                teacher.close();
            }
            signal.cleanedUp();
        }
        return 0;
    }

    private LiveEvaluator.Baselines baselines(Settings settings, TeacherModel teacher) throws Exception {
        if (teacher == null) {
            return LiveEvaluator.Baselines.NONE;
        }
        return LiveEvaluator.Baselines.of(
                teacher,
                TeacherConfig.from(settings).inputSpec(teacher.imageSize()),
                new BundleVerifier(TrustedKeys.fromPemFiles(trust)),
                DistillerConfig.from(settings).family());
    }
}
