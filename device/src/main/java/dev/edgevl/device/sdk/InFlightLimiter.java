package dev.edgevl.device.sdk;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the bytes a device has handed to Kafka but not yet seen acknowledged. A sender that would
 * exceed the bound waits (back-pressure) instead of queueing without limit; after {@code maxWait} it
 * gets a clear error. One message larger than the whole bound is let through alone, so a big frame
 * slows the device down rather than wedging it.
 */
public final class InFlightLimiter {
    private final long capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private long inFlight;

    public InFlightLimiter(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("The in-flight bound must be positive, got " + capacityBytes);
        }
        this.capacity = capacityBytes;
    }

    /** Reserves {@code bytes}, waiting up to {@code maxWait} for earlier sends to be acknowledged. */
    public void acquire(long bytes, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        lock.lock();
        try {
            while (inFlight > 0 && inFlight + bytes > capacity) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new BackPressureTimeoutException(
                            "Kafka has not acknowledged " + inFlight + " bytes for " + maxWait.toMillis()
                                    + " ms, so a " + bytes + "-byte frame could not be queued (bound " + capacity
                                    + " bytes). Is the cluster reachable and keeping up?");
                }
                released.await(left, TimeUnit.NANOSECONDS);
            }
            inFlight += bytes;
        } finally {
            lock.unlock();
        }
    }

    public void release(long bytes) {
        lock.lock();
        try {
            inFlight = Math.max(0, inFlight - bytes);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public long inFlightBytes() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** The device waited too long for Kafka to take its frames. */
    public static final class BackPressureTimeoutException extends RuntimeException {
        BackPressureTimeoutException(String message) {
            super(message);
        }
    }
}
