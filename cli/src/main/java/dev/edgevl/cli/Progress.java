package dev.edgevl.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Prints a status line every few seconds while something long runs. */
final class Progress implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "edgevl-progress");
        t.setDaemon(true);
        return t;
    });

    Progress(PrintWriter out, Duration every, Supplier<String> line) {
        timer.scheduleAtFixedRate(
                () -> {
                    out.println(line.get());
                    out.flush();
                },
                every.toMillis(),
                every.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** Events per second between two readings. */
    static final class Rate {
        private long lastCount;
        private long lastNanos = System.nanoTime();

        synchronized double perSecond(long count) {
            long now = System.nanoTime();
            double rate = (count - lastCount) / Math.max(1e-9, (now - lastNanos) / 1e9);
            lastCount = count;
            lastNanos = now;
            return rate;
        }
    }
}
