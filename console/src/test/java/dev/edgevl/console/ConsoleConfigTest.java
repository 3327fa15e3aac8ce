package dev.edgevl.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.config.ConfigException;
import dev.edgevl.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleConfigTest {
    @Test
    void readOnlyOnThisMachineByDefault() {
        ConsoleConfig config = ConsoleConfig.from(Settings.empty());
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8088);
        assertThat(config.readOnly()).isTrue();
        assertThat(config.every()).isEqualTo(Duration.ofSeconds(1));
        assertThat(ConsoleConfig.from(Settings.of(Map.of("console.token", "x"))).readOnly())
                .isFalse();
        assertThat(ConsoleConfig.from(Settings.of(Map.of("console.token", "   ")))
                        .readOnly())
                .as("a blank token is no token")
                .isTrue();
    }

    @Test
    void refusesAPortOutOfRangeAndAnIntervalThatIsNotPositive() {
        assertThatThrownBy(() -> ConsoleConfig.from(Settings.of(Map.of("console.port", "70000"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("console.port");
        assertThatThrownBy(() -> ConsoleConfig.from(Settings.of(Map.of("console.update-interval", "0s"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("console.update-interval");
    }
}
