package dev.edgevl.config;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How every service reaches Kafka: {@code kafka.bootstrap.servers} plus any other Kafka client
 * property under the {@code kafka.} prefix (security, SASL, TLS...), passed through unchanged.
 */
public final class KafkaSettings {
    public static final String PREFIX = "kafka.";

    public static final ConfigOption<String> BOOTSTRAP = ConfigOption.string(
            PREFIX + "bootstrap.servers",
            null,
            "Kafka bootstrap servers, host:port[,host:port...]; --bootstrap on a command wins over it. Any other Kafka client property "
                    + "can be given with the kafka. prefix, e.g. kafka.security.protocol=SASL_SSL.");

    /** The typed options; any other {@code kafka.*} key is passed through as a client property. */
    public static final List<ConfigOption<?>> OPTIONS = List.of(BOOTSTRAP);

    private KafkaSettings() {}

    /** The client properties to connect with; {@code bootstrap} wins over the configured one when given. */
    public static Map<String, Object> clientProperties(Settings settings, String bootstrap) {
        Map<String, Object> properties = new TreeMap<>(settings.withPrefix(PREFIX));
        String servers =
                bootstrap != null ? bootstrap : settings.require(BOOTSTRAP, "to reach Kafka (or pass --bootstrap)");
        properties.put("bootstrap.servers", servers);
        return properties;
    }
}
