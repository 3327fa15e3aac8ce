package dev.edgevl.cli;

import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.kafka.embedded.BrokerSecurity;
import java.util.Map;

/**
 * Who each part of {@code edgevl local} is to Kafka: on a secured broker ({@code --secure}) its principal's client
 * settings over the user's ({@link dev.edgevl.schemas.topics.ServiceAcls} says what each may do); on an open one, the
 * user's settings as they are.
 */
final class LocalPrincipals {
    static final LocalPrincipals OPEN = new LocalPrincipals(null);

    private final BrokerSecurity security;

    LocalPrincipals(BrokerSecurity security) {
        this.security = security;
    }

    boolean secured() {
        return security != null;
    }

    /** {@code settings} with {@code principal}'s credentials as {@code kafka.*} settings. */
    Settings as(Settings settings, String principal) {
        if (security == null) {
            return settings;
        }
        Settings s = settings;
        for (Map.Entry<String, Object> e : security.clientProperties(principal).entrySet()) {
            s = s.with(KafkaSettings.PREFIX + e.getKey(), String.valueOf(e.getValue()));
        }
        return s;
    }

    /** The Kafka client properties of {@code principal}. */
    Map<String, Object> client(Settings settings, String principal, String bootstrap) {
        return KafkaSettings.clientProperties(as(settings, principal), bootstrap);
    }
}
