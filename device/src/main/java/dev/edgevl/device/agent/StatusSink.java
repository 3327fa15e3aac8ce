package dev.edgevl.device.agent;

import dev.edgevl.avro.DeviceStatus;

/** Where devices report their state; {@link KafkaStatusSink} sends it to {@code fleet.status}. Must be thread-safe. */
@FunctionalInterface
public interface StatusSink {
    void report(DeviceStatus status);
}
