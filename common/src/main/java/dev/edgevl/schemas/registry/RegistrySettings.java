package dev.edgevl.schemas.registry;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a {@link RegistryConfig} from layered settings, so {@code EDGEVL_REGISTRY_URL} and friends work too. */
public final class RegistrySettings {
    public static final ConfigOption<String> URL = ConfigOption.string(RegistryConfig.URL, null,
            "Schema registry base URL(s), comma separated, tried in order (Confluent API; for Apicurio end it in /apis/ccompat/v7).");

    private RegistrySettings() {
    }

    public static RegistryConfig config(Settings settings, String why) {
        settings.require(URL, why);
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : RegistryConfig.KEYS) {
            settings.raw(key).ifPresent(value -> values.put(key, value));
        }
        return RegistryConfig.fromProperties(values);
    }
}
