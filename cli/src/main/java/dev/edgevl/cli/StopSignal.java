package dev.edgevl.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a long-running command up until Ctrl-C (or a time limit, or {@link #stop()}), and makes the
 * JVM wait for the command's own ordered shutdown instead of exiting under it.
 */
final class StopSignal {
    private static final long CLEANUP_GRACE_SECONDS = 60;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onShutdown, "edgevl-shutdown");
    private volatile boolean interrupted;

    StopSignal() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Blocks until stopped or until {@code limit} passes (null: no limit). True when stopped by a signal. */
    boolean await(Duration limit) throws InterruptedException {
        if (limit == null) {
            stop.await();
        } else {
            stop.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        }
        return interrupted;
    }

    boolean stopped() {
        return stop.getCount() == 0;
    }

    void stop() {
        stop.countDown();
    }

    /** The command has released everything; a pending Ctrl-C may now let the JVM exit. */
    void cleanedUp() {
        cleanedUp.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running and will return now that cleanup is done
        }
    }

    private void onShutdown() {
        interrupted = true;
        stop.countDown();
        try {
            cleanedUp.await(CLEANUP_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
