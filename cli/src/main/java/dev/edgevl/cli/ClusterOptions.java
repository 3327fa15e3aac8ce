package dev.edgevl.cli;

import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which Kafka cluster a command talks to, and the settings to reach it with. */
final class ClusterOptions {
    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(
            names = {"-b", "--bootstrap"},
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers. Default: the kafka.bootstrap.servers setting.")
    String bootstrap;

    Settings settings() {
        return config.settings();
    }

    Admin admin() {
        return Admin.create(KafkaSettings.clientProperties(settings(), bootstrap));
    }
}
