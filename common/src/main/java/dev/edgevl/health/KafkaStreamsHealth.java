package dev.edgevl.health;

/**
 * The health of a Kafka Streams application from its state: ready while {@code RUNNING}; live unless it stopped
 * ({@code PENDING_ERROR}, {@code ERROR}, or {@code NOT_RUNNING} once started). Takes the state's name so this
 * module's users need no Kafka Streams; callers pass {@code streams.state().name()}.
 */
public final class KafkaStreamsHealth {

    private KafkaStreamsHealth() {}

    /**
     * @param service what runs the application, for the sentences ("frame sync")
     * @param state   {@code KafkaStreams.State#name()}
     * @param failure the error that stopped it, if one did; else null
     */
    public static Health of(String service, String state, Throwable failure) {
        return switch (state) {
            case "RUNNING" -> Health.ready(state, service + " is processing.");
            case "CREATED" -> Health.notReady(state, service + " has not started Kafka Streams yet.");
            case "REBALANCING" ->
                Health.notReady(
                        state,
                        service + " is waiting for its partitions (a rebalance, or restoring"
                                + " its state stores from their changelogs).");
            case "PENDING_SHUTDOWN" -> Health.notReady(state, service + " is shutting down.");
            case "PENDING_ERROR", "ERROR" ->
                Health.down(
                        state,
                        service + " stopped on an error" + (failure == null ? "" : ": " + failure)
                                + "; it processes nothing until restarted.");
            case "NOT_RUNNING" -> Health.down(state, service + " has stopped; it processes nothing until restarted.");
            default -> Health.notReady(state, service + " is in a state this version does not know (" + state + ").");
        };
    }
}
