package dev.edgevl.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of a Confluent-compatible schema registry that the serdes need. Implementations are
 * thread-safe: Kafka producer and consumer threads call them concurrently. Every method throws
 * {@link SchemaRegistryException} when the registry refuses the request or cannot be reached.
 */
public interface SchemaRegistry {

    /** Registers {@code schema} under {@code subject} (a no-op when it is already there) and returns its id. */
    int register(String subject, Schema schema);

    /**
     * Returns the id of {@code schema} under {@code subject} without registering it; for producers
     * that must not create schemas. Throws with error code 40401 or 40403 when it is not there.
     */
    int idOf(String subject, Schema schema);

    /** The writer schema behind an id found in a record's header or prefix. */
    Schema schemaById(int id);

    /** Whether {@code schema} could be registered under {@code subject}; true when the subject has no versions yet. */
    boolean isCompatible(String subject, Schema schema);

    /** The subject's compatibility level, or the registry-wide one when the subject has none of its own. */
    CompatibilityLevel compatibility(String subject);

    /** Sets the subject's compatibility level and returns the level the registry reports back. */
    CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level);

    /** All subjects the registry knows. */
    List<String> subjects();
}
