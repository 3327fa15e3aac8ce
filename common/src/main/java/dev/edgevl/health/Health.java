package dev.edgevl.health;

import java.util.Objects;

/**
 * What a service says about itself to an orchestrator. {@code live}: the process can still make progress, so
 * restarting it would not help; {@code ready}: it is doing its work now, so it may count as up. {@code state}
 * is the service's own word for where it is (e.g. Kafka Streams' state) and {@code reason} a sentence for
 * whoever reads the probe's body when it is not ready.
 */
public record Health(boolean live, boolean ready, String state, String reason) {

    public Health {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        if (ready && !live) {
            throw new IllegalArgumentException("A service cannot be ready but not live");
        }
    }

    /** Doing its work. */
    public static Health ready(String state, String reason) {
        return new Health(true, true, state, reason);
    }

    /** Alive but not doing its work yet (starting, rebalancing, shutting down); a restart would not help. */
    public static Health notReady(String state, String reason) {
        return new Health(true, false, state, reason);
    }

    /** Stopped for good: only a restart brings it back. */
    public static Health down(String state, String reason) {
        return new Health(false, false, state, reason);
    }
}
