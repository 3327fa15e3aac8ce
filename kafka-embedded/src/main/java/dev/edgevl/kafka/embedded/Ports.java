package dev.edgevl.kafka.embedded;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/** Port checks done before the broker binds, so a clash is reported by port number rather than deep in Kafka's stack. */
final class Ports {

    private Ports() {}

    static boolean isFree(String host, int port) {
        try {
            requireFree(host, port);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    static void requireFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (BindException e) {
            throw new IllegalStateException(
                    "Port " + port + " on " + host
                            + " is already in use, so the embedded Kafka broker cannot listen there; "
                            + "stop whatever holds it or choose another port (0 picks a free one).",
                    e);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "The embedded Kafka broker cannot listen on " + host + " port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Asks the OS for a free port. It is released again before Kafka binds it, so another process can take it in
     * between; the caller retries on a bind failure.
     */
    static int free(String host, Set<Integer> exclude) {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException("Could not find a free port on " + host + ": " + e.getMessage(), e);
            }
            if (!exclude.contains(port)) {
                return port;
            }
        }
        throw new IllegalStateException(
                "Could not find a free port on " + host + " that is not one of " + exclude + ".");
    }

    /** The remembered port when it is still free, so a reused data dir keeps its address; otherwise a new one. */
    static int preferred(String host, int remembered, Set<Integer> exclude) {
        if (remembered > 0 && !exclude.contains(remembered) && isFree(host, remembered)) {
            return remembered;
        }
        return free(host, exclude);
    }
}
