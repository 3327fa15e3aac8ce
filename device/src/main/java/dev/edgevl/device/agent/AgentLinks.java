package dev.edgevl.device.agent;

import java.util.Objects;

/** What the agents of a process are connected to: where models and labels come from, and where status goes. */
public record AgentLinks(ControlFeed feed, StatusSink status) {
    public AgentLinks {
        Objects.requireNonNull(feed, "feed");
        Objects.requireNonNull(status, "status");
    }
}
