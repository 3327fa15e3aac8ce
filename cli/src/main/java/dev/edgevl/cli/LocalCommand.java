package dev.edgevl.cli;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.ingest.device.DeviceProducerConfig;
import dev.edgevl.ingest.fleet.FleetOptions;
import dev.edgevl.ingest.fleet.FleetSimulator;
import dev.edgevl.ingest.fleet.KafkaFleetSink;
import dev.edgevl.ingest.sync.FrameSyncApp;
import dev.edgevl.config.Settings;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.serde.WireFormat;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.sim.scenario.Scenario;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Everything on one machine, embedded. Today: a KRaft Kafka broker with every topic of the catalogue,
 * frame sync and a simulated fleet; the Flink job, the teacher and the distiller join as they are built.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Run edgevl on this machine, embedded, until Ctrl-C.",
                "Starts a Kafka broker (KRaft, in this JVM), creates every topic of the catalogue with its dead-letter topic, "
                        + "starts frame sync and a simulated fleet (--scenario), prints the bootstrap address any Kafka client "
                        + "can use, and shows progress every few seconds."})
final class LocalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Mixin
    BrokerOptions broker = new BrokerOptions();

    @Mixin
    ScenarioOption scenario = new ScenarioOption();

    @Mixin
    RunLength runLength = new RunLength();

    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile StopSignal signal;
    private volatile String bootstrap;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = config.settings();
        WireFormat format = settings.get(AvroSerdes.FORMAT);
        Scenario world = scenario.load();
        signal = new StopSignal();
        try {
            out.println("Starting an embedded Kafka broker...");
            out.flush();
            try (EmbeddedKafka kafka = broker.start();
                 Admin admin = Admin.create(KafkaSettings.clientProperties(settings, kafka.bootstrapServers()))) {
                List<TopicInstaller.Result> results = new TopicInstaller(admin, Optional.empty(), 30_000).ensure(Topics.withDeadLetters());
                TopicOutput.printInstalled(out, results);
                bootstrap = kafka.bootstrapServers();
                // Streams' local state lives with the broker's data, so a resumed --data-dir finds both and a temporary one loses both.
                Settings syncSettings = settings.with("kafka.state.dir", kafka.dataDir().resolve("streams").toString());
                try (FrameSyncApp sync = FrameSyncApp.start(syncSettings, bootstrap);
                     AvroSerdes serdes = AvroSerdes.fromSettings(settings);
                     KafkaFleetSink sink = new KafkaFleetSink(DeviceProducerConfig.from(settings, bootstrap), serdes)) {
                    sync.awaitRunning(Duration.ofSeconds(60));
                    FleetSimulator fleet = new FleetSimulator(world, new FleetOptions(Instant.now(), 1.0, null), sink);
                    Thread fleetThread = new Thread(() -> runFleet(fleet), "edgevl-fleet");
                    fleetThread.setDaemon(true); // never the reason the JVM cannot exit
                    fleetThread.start();
                    out.printf("%nedgevl local is up. Kafka bootstrap: %s  (data in %s%s)%n", bootstrap, kafka.dataDir(),
                            kafka.ownsDataDir() ? ", removed on exit" : "");
                    out.printf("Running: frame sync, and the '%s' fleet (%d devices) publishing in real time. Values use the %s wire format.%n",
                            world.name(), world.devices().size(), ConfigOption.externalName(format));
                    out.println(runLength.howItEnds());
                    out.flush();
                    ready.countDown();
                    boolean byCtrlC;
                    Progress.Rate framesRate = new Progress.Rate();
                    Progress.Rate pairsRate = new Progress.Rate();
                    try (Progress progress = new Progress(out, Duration.ofSeconds(5), () -> String.format(
                            "world %s  frames %,d (%.1f/s)  pairs %,d (%.1f/s, %,d without RGB)  dead letters %,d",
                            fleet.stats().worldClock(), fleet.stats().frames(), framesRate.perSecond(fleet.stats().frames()),
                            sync.stats().forwarded(), pairsRate.perSecond(sync.stats().forwarded()), sync.stats().auxOnly(),
                            sync.stats().deadLetters()))) {
                        byCtrlC = signal.await(runLength.duration);
                    }
                    out.println(byCtrlC ? "\nCtrl-C: stopping the fleet, frame sync and the broker..." : "Stopping the fleet, frame sync and the broker...");
                    out.flush();
                    fleet.stop();
                    fleetThread.join();
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

    private static void runFleet(FleetSimulator fleet) {
        try {
            fleet.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(LocalCommand.class).error("The simulated fleet stopped: {}", e.getMessage(), e);
        }
    }

    /** For tests and embedding: wait until the broker is up and the topics exist; null if startup failed. */
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
}
