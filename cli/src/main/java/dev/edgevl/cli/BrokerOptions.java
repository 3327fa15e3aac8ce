package dev.edgevl.cli;

import dev.edgevl.kafka.embedded.BrokerSecurity;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where and how the embedded broker runs. */
final class BrokerOptions {
    static final int DEFAULT_PORT = 9092;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Keep Kafka's data in DIR, so a later run with the same DIR finds its topics and records again. "
                            + "Default: a temporary directory, removed on exit.")
    Path dataDir;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "Port of the broker's client listener on 127.0.0.1; 0 picks a free one. " + "Default: "
                    + DEFAULT_PORT + " when free, else a free one.")
    Integer port;

    /** The broker of a command whose {@link StopSignal} stops everything in order on Ctrl-C, the broker last. */
    EmbeddedKafka start() {
        return start(null);
    }

    /** @param security null for an open PLAINTEXT listener */
    EmbeddedKafka start(BrokerSecurity security) {
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder()
                .port(resolvedPort())
                .withoutShutdownHook()
                .security(security);
        if (dataDir != null) {
            builder.dataDir(dataDir);
        }
        return builder.start();
    }

    /** An explicit port must be had; the default only if it is free, so two local runs never fight over it. */
    private int resolvedPort() {
        if (port != null) {
            return port;
        }
        return LocalPorts.isFree(DEFAULT_PORT) ? DEFAULT_PORT : 0;
    }
}
