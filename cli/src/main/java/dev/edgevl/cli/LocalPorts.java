package dev.edgevl.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for what {@code edgevl local} serves on this machine: the usual one when it is free, so two runs never fight. */
final class LocalPorts {
    private LocalPorts() {}

    /** {@code port} when nothing listens on it, else a free port the OS picks (released before it is used). */
    static int defaultIfFree(int port) {
        return isFree(port) ? port : free();
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Could not find a free port: " + e.getMessage(), e);
        }
    }
}
