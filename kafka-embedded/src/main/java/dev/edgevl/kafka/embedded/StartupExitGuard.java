package dev.edgevl.kafka.embedded;

import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops Kafka from ending the JVM while an embedded broker is starting. A controller that fails to start (a port
 * taken in the instant after our check, a damaged metadata log) reports a fatal fault, and Kafka's fault handler
 * halts the process; in a test run or `edgevl local` that kills everything without a word. With the guard in
 * place the fault handler returns, Kafka stops what it started and rethrows, and start() reports it.
 *
 * <p>Exit's procedures are process-wide, so the guard is counted across concurrent starts and Kafka's defaults are
 * restored when the last one ends. A running broker's later fatal faults still end the JVM, as in real Kafka.
 */
final class StartupExitGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StartupExitGuard.class);
    private static final Object LOCK = new Object();
    private static int startsInProgress;

    private boolean closed;

    private StartupExitGuard() {}

    static StartupExitGuard enter() {
        synchronized (LOCK) {
            if (startsInProgress++ == 0) {
                Exit.setHaltProcedure(StartupExitGuard::refuse);
                Exit.setExitProcedure(StartupExitGuard::refuse);
            }
        }
        return new StartupExitGuard();
    }

    @Override
    public void close() {
        synchronized (LOCK) {
            if (closed) {
                return;
            }
            closed = true;
            if (--startsInProgress == 0) {
                Exit.resetHaltProcedure();
                Exit.resetExitProcedure();
            }
        }
    }

    private static void refuse(int status, String message) {
        LOG.warn(
                "Kafka tried to end the JVM (status {}{}) while an embedded broker was starting; "
                        + "that start fails instead.",
                status,
                message == null ? "" : ", " + message);
    }
}
