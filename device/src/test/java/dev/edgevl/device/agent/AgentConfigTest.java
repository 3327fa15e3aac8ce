package dev.edgevl.device.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.config.ConfigException;
import dev.edgevl.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsWithTheKeyFilesGiven() throws Exception {
        Path ours = SignedStudents.writePublicKey(dir, SignedStudents.PUBLISHER, "ours");
        Path theirs = SignedStudents.writePublicKey(dir, SignedStudents.STRANGER, "theirs");

        AgentConfig config = AgentConfig.from(Settings.of(Map.of("agent.trusted-keys", ours + ", " + theirs)));

        assertThat(config.family()).isEqualTo("student");
        assertThat(config.statusInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.engineThreads()).isEqualTo(1);
        assertThat(config.loadThreads()).isEqualTo(1);
        assertThat(config.pairTolerance()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.trustedKeys().keyIds()).hasSize(2);
    }

    @Test
    void theEnvironmentAndTheCommandLineOverrideInTheUsualOrder() throws Exception {
        Path key = SignedStudents.writePublicKey(dir, SignedStudents.PUBLISHER, "ours");
        Settings settings = Settings.load(
                java.util.Optional.empty(),
                Map.of(
                        "EDGEVL_AGENT_TRUSTED_KEYS",
                        key.toString(),
                        "EDGEVL_AGENT_STATUS_INTERVAL",
                        "2s",
                        "EDGEVL_AGENT_FAMILY",
                        "env"),
                Map.of("agent.family", "cli"));

        AgentConfig config = AgentConfig.from(settings);

        assertThat(config.statusInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.family()).isEqualTo("cli");
    }

    @Test
    void withoutATrustedKeyNoDeviceCouldAcceptAnything() {
        assertThatThrownBy(() -> AgentConfig.from(Settings.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.trusted-keys")
                .hasMessageContaining("names no key file");
    }

    @Test
    void badValuesAreRefusedByName() {
        Settings keys = Settings.of(Map.of("agent.trusted-keys", "k.pem"));
        assertThatThrownBy(() -> AgentConfig.from(keys.with("agent.status.interval", "10ms")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.status.interval must be at least 100 ms");
        assertThatThrownBy(() -> AgentConfig.from(keys.with("agent.engine.threads", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.engine.threads must be at least 1");
        assertThatThrownBy(() -> AgentConfig.from(keys.with("agent.family", " ")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.family must not be blank");
        assertThatThrownBy(() -> AgentConfig.from(keys.with("agent.pair-tolerance", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.pair-tolerance = 'soon'");
    }

    @Test
    void aMissingOrKeylessKeyFileIsNamed() throws Exception {
        Path missing = dir.resolve("nowhere.pem");
        assertThatThrownBy(() -> AgentConfig.from(Settings.of(Map.of("agent.trusted-keys", missing.toString())))
                        .trustedKeys())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "no key here\n");
        assertThatThrownBy(() -> AgentConfig.from(Settings.of(Map.of("agent.trusted-keys", empty.toString())))
                        .trustedKeys())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(empty.toString());
    }
}
