package dev.edgevl.cli;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.serde.WireFormat;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Everything on one machine, embedded. Today: a KRaft Kafka broker with every topic of the catalogue;
 * the frame sync, the Flink job, the teacher, the distiller and the fleet join it as they are built.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Run edgevl on this machine, embedded, until Ctrl-C.",
                "Starts a Kafka broker (KRaft, in this JVM), creates every topic of the catalogue with its dead-letter topic, "
                        + "and prints the bootstrap address any Kafka client can use."})
final class LocalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Mixin
    BrokerOptions broker = new BrokerOptions();

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Stop by itself after this long (e.g. 90s, 10m). Default: run until Ctrl-C.")
    Duration duration;

    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile StopSignal signal;
    private volatile String bootstrap;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = config.settings();
        WireFormat format = settings.get(AvroSerdes.FORMAT);
        signal = new StopSignal();
        try {
            out.println("Starting an embedded Kafka broker...");
            out.flush();
            try (EmbeddedKafka kafka = broker.start();
                 Admin admin = Admin.create(KafkaSettings.clientProperties(settings, kafka.bootstrapServers()))) {
                List<TopicInstaller.Result> results = new TopicInstaller(admin, Optional.empty(), 30_000).ensure(Topics.withDeadLetters());
                TopicOutput.printInstalled(out, results);
                bootstrap = kafka.bootstrapServers();
                out.printf("%nedgevl local is up. Kafka bootstrap: %s  (data in %s%s)%n", bootstrap, kafka.dataDir(),
                        kafka.ownsDataDir() ? ", removed on exit" : "");
                out.printf("Values on the topics use the %s wire format (serde.format).%n", ConfigOption.externalName(format));
                out.println(duration == null ? "Press Ctrl-C to stop." : "Stopping by itself in " + TopicOutput.human(duration) + ".");
                out.flush();
                ready.countDown();
                boolean byCtrlC = signal.await(duration);
                out.println(byCtrlC ? "\nCtrl-C: stopping the broker..." : "Stopping the broker...");
                out.flush();
            }
            out.println("Stopped cleanly.");
            out.flush();
            return 0;
        } finally {
            ready.countDown();
            signal.cleanedUp();
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
