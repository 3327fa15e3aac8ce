package dev.edgevl.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortsAndMemoryTest {

    private static final String HOST = "127.0.0.1";

    @TempDir
    Path dir;

    @Test
    void busyPortIsReportedByNumber() throws IOException {
        try (ServerSocket held = bindAny()) {
            int port = held.getLocalPort();

            assertThat(Ports.isFree(HOST, port)).isFalse();
            assertThatThrownBy(() -> Ports.requireFree(HOST, port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + port + " on " + HOST + " is already in use");
        }
    }

    @Test
    void freePortAvoidsExcludedOnes() {
        int first = Ports.free(HOST, Set.of());
        assertThat(Ports.free(HOST, Set.of(first))).isNotEqualTo(first).isPositive();
    }

    @Test
    void rememberedPortIsPreferredOnlyWhileFree() throws IOException {
        int free = Ports.free(HOST, Set.of());
        assertThat(Ports.preferred(HOST, free, Set.of())).isEqualTo(free);

        try (ServerSocket held = bindAny()) {
            assertThat(Ports.preferred(HOST, held.getLocalPort(), Set.of())).isNotEqualTo(held.getLocalPort());
        }
    }

    @Test
    void portMemoryRoundTrips() {
        assertThat(PortMemory.load(dir)).isEqualTo(PortMemory.NONE);

        new PortMemory(40123, 40124).save(dir);

        assertThat(PortMemory.load(dir)).isEqualTo(new PortMemory(40123, 40124));
    }

    @Test
    void unreadablePortMemoryIsIgnored() throws IOException {
        Files.writeString(dir.resolve(PortMemory.FILE_NAME), "port=banana\n");

        assertThat(PortMemory.load(dir)).isEqualTo(PortMemory.NONE);
    }

    private static ServerSocket bindAny() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        return socket;
    }
}
