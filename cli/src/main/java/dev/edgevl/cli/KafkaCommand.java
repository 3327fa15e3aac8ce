package dev.edgevl.cli;

import dev.edgevl.kafka.embedded.EmbeddedKafka;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Just the embedded broker, for running the services one by one against it. */
@Command(
        name = "kafka",
        mixinStandardHelpOptions = true,
        description = {
            "Run only an embedded Kafka broker (KRaft, combined broker and controller) until Ctrl-C.",
            "Prints its bootstrap address; create the topics with 'edgevl topics create --bootstrap ADDRESS'."
        })
final class KafkaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BrokerOptions broker = new BrokerOptions();

    @Mixin
    RunLength runLength = new RunLength();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StopSignal signal = new StopSignal();
        try {
            try (EmbeddedKafka kafka = broker.start()) {
                out.printf(
                        "Kafka is up. bootstrap.servers=%s  (cluster %s, data in %s)%n",
                        kafka.bootstrapServers(), kafka.clusterId(), kafka.dataDir());
                out.println(runLength.howItEnds());
                out.flush();
                signal.await(runLength.duration);
            }
            out.println("Kafka stopped cleanly.");
            out.flush();
            return 0;
        } finally {
            signal.cleanedUp();
        }
    }
}
