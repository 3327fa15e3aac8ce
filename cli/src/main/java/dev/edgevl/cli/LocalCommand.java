package dev.edgevl.cli;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.console.Console;
import dev.edgevl.console.ConsoleConfig;
import dev.edgevl.eval.live.LiveEvaluator;
import dev.edgevl.eval.live.LiveEvent;
import dev.edgevl.eval.live.LiveReport;
import dev.edgevl.eval.live.VisibleLatency;
import dev.edgevl.kafka.embedded.BrokerSecurity;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.teacher.TeacherConfig;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.serde.WireFormat;
import dev.edgevl.schemas.topics.ServiceAcls;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.sim.scenario.Scenario;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Everything on one machine, embedded: a KRaft Kafka broker (or an external cluster) with every topic of the
 * catalogue, frame sync, the teacher service, the stream-inference job on a Flink MiniCluster, the distiller and a
 * simulated fleet whose devices run agents — the whole adaptive loop.
 */
@Command(
        name = "local",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole adaptive loop on this machine until Ctrl-C or --duration.",
            "Starts a Kafka broker (KRaft, in this JVM; or uses --bootstrap), creates every topic of the catalogue with its dead-letter "
                    + "topic, then frame sync, the teacher service (with the default labels on first run), the stream-inference "
                    + "job on an embedded Flink MiniCluster, the distiller (signing with a dev key kept in the data directory) and "
                    + "a simulated fleet (--scenario) whose devices run agents, and shows progress every few seconds. A second "
                    + "run with the same --data-dir resumes where the first stopped."
        })
final class LocalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Mixin
    BrokerOptions broker = new BrokerOptions();

    @Option(
            names = "--scenario",
            defaultValue = "drift",
            paramLabel = "FILE|NAME",
            description =
                    "Scenario YAML file, or the name of a shipped one (default, drift, mixed-fleet). Default: ${DEFAULT-VALUE}: four devices, "
                            + "then an RGB dropout at 1:30, night from 3:00 to 5:00, new shapes at 6:00, new depth cameras at 8:00.")
    String scenarioName;

    @Option(
            names = "--devices",
            paramLabel = "N",
            description =
                    "Run the scenario with N devices (the first N, or more with the sensors of its devices in turn).")
    Integer devices;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            defaultValue = "edgevl-local-report.json",
            description =
                    "Where the report goes on exit: JSON, and a PNG chart beside it (same name, .png). Default: ${DEFAULT-VALUE}.")
    Path report;

    @Mixin
    RunLength runLength = new RunLength();

    @Option(
            names = {"-b", "--bootstrap"},
            paramLabel = "HOST:PORT",
            description =
                    "Use this Kafka cluster instead of starting a broker (the topics are created there if missing).")
    String external;

    @Option(
            names = "--secure",
            description =
                    "Start the broker secured: clients authenticate with SCRAM-SHA-512 over TLS and may do only what"
                            + " ACLs allow, each service (frame sync, the job, the teacher, the distiller, the devices, the"
                            + " operator) as a principal of its own. Passwords, certificates and client settings for each"
                            + " principal (Java, librdkafka for kcat -F, and edgevl.properties for edgevl --config) go to"
                            + " DATA_DIR/security. Needs --data-dir; not with --bootstrap.")
    boolean secure;

    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile StopSignal signal;
    private volatile String bootstrap;
    private volatile LocalStack stack;
    private volatile Console console;
    private volatile LocalPrincipals principals = LocalPrincipals.OPEN;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = config.settings();
        WireFormat format = settings.get(AvroSerdes.FORMAT);
        ScenarioOption scenario = new ScenarioOption();
        scenario.scenario = scenarioName;
        Scenario world = devices == null ? scenario.load() : scenario.load().withDevices(devices);
        signal = new StopSignal();
        try {
            if (secure && (external != null || broker.dataDir == null)) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(),
                        "--secure starts a broker of its own and keeps its passwords in --data-dir DIR: give --data-dir,"
                                + " and not --bootstrap (a cluster of yours takes each service's credentials as kafka.*"
                                + " settings).");
            }
            if (external != null) {
                Path stateDir = broker.dataDir != null ? broker.dataDir : Files.createTempDirectory("edgevl-local");
                run(out, settings, external, stateDir, world, format, "Kafka at " + external, null);
            } else {
                out.println("Starting an embedded Kafka broker" + (secure ? " (secured)" : "") + "...");
                out.flush();
                BrokerSecurity security = secure
                        ? BrokerSecurity.createOrLoad(broker.dataDir.resolve("security"), ServiceAcls.PRINCIPALS)
                        : null;
                try (EmbeddedKafka kafka = broker.start(security)) {
                    run(
                            out,
                            settings,
                            kafka.bootstrapServers(),
                            kafka.dataDir(),
                            world,
                            format,
                            "data in " + kafka.dataDir() + (kafka.ownsDataDir() ? ", removed on exit" : ""),
                            security);
                }
            }
            out.println("Stopped cleanly.");
            out.flush();
            return 0;
        } finally {
            ready.countDown();
            signal.cleanedUp();
        }
    }

    private void run(
            PrintWriter out,
            Settings settings,
            String servers,
            Path stateDir,
            Scenario world,
            WireFormat format,
            String where,
            BrokerSecurity security)
            throws Exception {
        Map<String, Object> admin = security == null
                ? KafkaSettings.clientProperties(settings, servers)
                : withBootstrap(security.clientProperties(BrokerSecurity.ADMIN), servers);
        try (Admin client = Admin.create(admin)) {
            List<TopicInstaller.Result> results =
                    new TopicInstaller(client, Optional.empty(), 30_000).ensure(Topics.withDeadLetters());
            TopicOutput.printInstalled(out, results);
            if (security != null) {
                client.createAcls(ServiceAcls.all()).all().get(30, TimeUnit.SECONDS);
                awaitAcls(client, ServiceAcls.all().size());
                security.writeClientFiles(servers);
                writeEdgevlSettings(security, servers);
                out.printf(
                        "Secured: SCRAM-SHA-512 over TLS, ACLs per service (%s). Client settings per principal in %s:"
                                + " NAME.properties (Java clients), NAME.librdkafka.properties (kcat -F),"
                                + " edgevl.properties (the operator, for edgevl --config).%n",
                        String.join(", ", ServiceAcls.PRINCIPALS), security.directory());
            }
        }
        bootstrap = servers;
        LocalPrincipals principals = security == null ? LocalPrincipals.OPEN : new LocalPrincipals(security);
        this.principals = principals;
        try (LocalStack stack = LocalStack.start(out, settings, servers, stateDir, world, principals)) {
            this.stack = stack;
            out.printf("%nedgevl local is up. Kafka bootstrap: %s  (%s)%n", servers, where);
            out.printf(
                    "Running: frame sync, the teacher, the stream job, the distiller and the '%s' fleet (%d devices with agents). "
                            + "Values use the %s wire format. Devices and the job trust %s.%n",
                    world.name(),
                    world.devices().size(),
                    ConfigOption.externalName(format),
                    stack.keys().publicKeyFile());
            out.flush();
            boolean byCtrlC;
            List<LiveEvent> drifts = LiveEvent.drifts(world, stack.fleetEpoch());
            TeacherModel teacher = stack.teacher().teacher();
            LiveReport result;
            // The evaluator and the latency probes read as the operator (everything, write nothing but its own).
            Map<String, Object> operator = principals.client(settings, ServiceAcls.OPERATOR, servers);
            try (AvroSerdes serdes = AvroSerdes.fromSettings(settings);
                    VisibleLatency visible = new VisibleLatency(operator, serdes, Duration.ofSeconds(30));
                    VisibleLatency paired = VisibleLatency.pairs(operator, serdes, Duration.ofSeconds(30));
                    LiveEvaluator evaluator = new LiveEvaluator(
                            operator,
                            serdes,
                            LiveEvaluator.Options.of(world.name(), drifts).from(stack.fleetEpoch()),
                            LiveEvaluator.Baselines.of(
                                    teacher,
                                    TeacherConfig.from(settings).inputSpec(teacher.imageSize()),
                                    new BundleVerifier(TrustedKeys.of(
                                            stack.keys().keyPair().getPublic())),
                                    stack.distiller().config().family()));
                    Console console = Console.start(
                            principals.as(settings, ServiceAcls.OPERATOR),
                            operator,
                            serdes,
                            stack.distiller().config(),
                            evaluator::report,
                            true)) {
                out.printf(
                        "Console: %s (%s). Metrics: %smetrics (the services), http://127.0.0.1:%d/metrics (the"
                                + " stream job, Flink's reporter).%n",
                        console.url(),
                        ConsoleConfig.from(settings).readOnly()
                                ? "read-only; --set console.token=SECRET allows its actions"
                                : "actions need console.token",
                        console.url(),
                        stack.flinkMetricsPort());
                out.println(runLength.howItEnds());
                out.flush();
                this.console = console;
                ready.countDown();
                try (LocalView view = new LocalView(
                        out, stack, evaluator, paired, visible, world, drifts, System.console() != null)) {
                    byCtrlC = signal.await(runLength.duration);
                }
                out.println(
                        byCtrlC
                                ? "\nCtrl-C: stopping the fleet, the distiller, the job, the teacher and frame sync..."
                                : "Stopping the fleet, the distiller, the job, the teacher and frame sync...");
                out.flush();
                evaluator.close();
                result = evaluator.report().withVisibleLatency(visible.overall(), paired.overall());
            }
            Path chart = result.writeWithChart(report);
            out.printf(
                    "%nReport: %s and %s%n%s%n%n%s",
                    report.toAbsolutePath(), chart, result.summaryText(), result.segmentTable());
            out.flush();
        }
    }

    /** For tests and embedding: the running services, once {@link #awaitReady()} returned a bootstrap. */
    LocalStack stack() {
        return stack;
    }

    /** For tests and embedding: the console's address, once {@link #awaitReady()} returned a bootstrap. */
    String consoleUrl() {
        return console.url();
    }

    /** For tests and embedding: wait until everything is up; null if startup failed. */
    String awaitReady() throws InterruptedException {
        ready.await();
        return bootstrap;
    }

    void stop() {
        StopSignal s = signal;
        if (s != null) {
            s.stop();
        }
    }

    /**
     * Waits until the broker's authorizer has every ACL: they reach it through the metadata log after {@code createAcls}
     * returns, and a service that starts before then finds its topics missing (unauthorized topics look absent).
     */
    private static void awaitAcls(Admin client, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (client.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY)
                        .values()
                        .get(10, TimeUnit.SECONDS)
                        .size()
                < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The broker did not apply the services' ACLs within 30 s.");
            }
            Thread.sleep(100);
        }
    }

    private static Map<String, Object> withBootstrap(Map<String, Object> client, String servers) {
        Map<String, Object> p = new java.util.LinkedHashMap<>(client);
        p.put("bootstrap.servers", servers);
        return p;
    }

    /** The operator's credentials as edgevl settings, for {@code edgevl --config FILE} against this broker. */
    private static void writeEdgevlSettings(BrokerSecurity security, String servers) throws java.io.IOException {
        StringBuilder text = new StringBuilder(
                "# edgevl settings of the operator principal, for edgevl --config against this broker\n");
        text.append(KafkaSettings.PREFIX)
                .append("bootstrap.servers=")
                .append(servers)
                .append('\n');
        security.clientProperties(ServiceAcls.OPERATOR).forEach((k, v) -> text.append(KafkaSettings.PREFIX)
                .append(k)
                .append('=')
                .append(String.valueOf(v).replace("\\", "\\\\"))
                .append('\n'));
        Files.writeString(security.directory().resolve("edgevl.properties"), text.toString());
    }

    /** For tests: who each part of the running loop is to Kafka. */
    LocalPrincipals principals() {
        return principals;
    }
}
