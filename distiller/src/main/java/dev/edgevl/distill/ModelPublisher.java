package dev.edgevl.distill;

import dev.edgevl.avro.ModelVersion;

/** Makes a version live: writes its record to {@code models}, returning once the broker has it. */
@FunctionalInterface
public interface ModelPublisher {
    void publish(ModelVersion record) throws Exception;
}
