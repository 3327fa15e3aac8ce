package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeLogsTest {
    @Test
    void nativeOutputIsDroppedUnlessKeptOrSentToAFile() {
        assertThat(NativeLogs.target(null, null)).isInstanceOf(NativeLogs.Dropped.class);
        assertThat(NativeLogs.target(null, "off")).isInstanceOf(NativeLogs.Dropped.class);
        assertThat(NativeLogs.target(null, "on")).isInstanceOf(NativeLogs.Kept.class);
        assertThat(NativeLogs.target("stderr", "off"))
                .as("the system property wins")
                .isInstanceOf(NativeLogs.Kept.class);
        assertThat(NativeLogs.target(null, " logs/native.log "))
                .isEqualTo(new NativeLogs.AppendedTo("logs/native.log"));
    }
}
