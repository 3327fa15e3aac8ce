package dev.edgevl.device.agent;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds a device's running model and swaps it without stopping frames. A frame {@link #acquire() acquires} the model
 * it starts with and keeps it to the end, so a frame is never half one version and half the next; a swap takes
 * effect for the next frame, and the replaced model is closed when the last frame using it is done. No locks on the
 * frame path: a reference count per model.
 */
final class ModelSlot<M extends AutoCloseable> implements AutoCloseable {
    /** A model with its users: the slot itself counts as one while the model is current. */
    static final class Lease<M extends AutoCloseable> implements AutoCloseable {
        private final M model;
        private final AtomicInteger users = new AtomicInteger(1);

        private Lease(M model) {
            this.model = model;
        }

        M model() {
            return model;
        }

        private boolean tryRetain() {
            while (true) {
                int n = users.get();
                if (n == 0) {
                    return false; // already released by the slot and closed
                }
                if (users.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        /** Done with it; the last user closes it. */
        @Override
        public void close() {
            if (users.decrementAndGet() == 0) {
                try {
                    model.close();
                } catch (Exception e) {
                    throw new IllegalStateException("could not close a replaced model: " + e.getMessage(), e);
                }
            }
        }

        boolean closed() {
            return users.get() == 0;
        }
    }

    private final AtomicReference<Lease<M>> current = new AtomicReference<>();

    /** The current model, held until the lease is closed; null when there is none. */
    Lease<M> acquire() {
        while (true) {
            Lease<M> lease = current.get();
            if (lease == null) {
                return null;
            }
            if (lease.tryRetain()) {
                return lease;
            }
            // It was swapped out and closed between the read and the retain: the next read sees its successor.
        }
    }

    /** Makes {@code next} current; the previous model is closed once no frame uses it. Returns the previous model. */
    M swap(M next) {
        Lease<M> previous = current.getAndSet(next == null ? null : new Lease<>(next));
        if (previous == null) {
            return null;
        }
        M model = previous.model();
        previous.close();
        return model;
    }

    /** The current model without holding it: for reading its name, never for running it. */
    M peek() {
        Lease<M> lease = current.get();
        return lease == null ? null : lease.model();
    }

    @Override
    public void close() {
        swap(null);
    }
}
