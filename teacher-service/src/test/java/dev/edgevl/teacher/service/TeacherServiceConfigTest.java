package dev.edgevl.teacher.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgevl.config.ConfigException;
import dev.edgevl.config.Settings;
import dev.edgevl.model.teacher.TeacherConfig;
import dev.edgevl.teacher.requests.Batching;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class TeacherServiceConfigTest {
    @Test
    void exactlyOnceCannotBeSwitchedOffByAPassthroughSetting() {
        Settings settings = Settings.of(Map.of(
                "kafka.processing.guarantee",
                "at_least_once",
                "teacher.batch.size",
                "8",
                "teacher.batch.max-wait",
                "50ms"));

        Properties props = TeacherServiceConfig.streamsProperties(settings, "broker:9092");

        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("edgevl-teacher");
        assertThat(props.get("bootstrap.servers")).isEqualTo("broker:9092");
        assertThat(TeacherServiceConfig.from(settings).batching()).isEqualTo(new Batching(8, Duration.ofMillis(50)));
    }

    @Test
    void badValuesAreRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> TeacherServiceConfig.from(Settings.of(Map.of("teacher.batch.size", "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("teacher.batch.size must be at least 1");
        assertThatThrownBy(() -> TeacherConfig.from(Settings.of(Map.of("teacher.kind", "onnx"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("synthetic, torchscript");
    }

    @Test
    void everySettingIsUnderTheTeacherPrefix() {
        assertThat(TeacherServiceConfig.OPTIONS)
                .allSatisfy(o -> assertThat(o.key()).startsWith("teacher."));
        assertThat(TeacherConfig.OPTIONS).allSatisfy(o -> assertThat(o.key()).startsWith("teacher."));
    }
}
