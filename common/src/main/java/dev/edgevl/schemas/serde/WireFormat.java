package dev.edgevl.schemas.serde;

/** How an Avro record is framed in a Kafka message. */
public enum WireFormat {
    /**
     * Avro single-object encoding: {@code C3 01}, the writer schema's 8-byte CRC-64-AVRO fingerprint
     * (little-endian), then the Avro binary body. Needs no server; readers must know the writer schema.
     */
    SINGLE_OBJECT,
    /**
     * Confluent wire format: magic byte {@code 00}, the writer schema's 4-byte id in a schema registry
     * (big-endian), then the Avro binary body. Readers fetch unknown schemas from the registry.
     */
    CONFLUENT
}
