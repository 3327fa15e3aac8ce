package dev.edgevl.schemas.serde;

import dev.edgevl.schemas.registry.CompatibilityLevel;
import dev.edgevl.schemas.registry.SchemaRegistry;
import dev.edgevl.schemas.registry.SchemaRegistryException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A registry in a map, for byte-level serde tests that should not wait for a server; the real
 * registry is exercised by the *IT tests. {@link #down} makes every call fail as an outage would.
 */
final class InMemorySchemaRegistry implements SchemaRegistry {
    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<String, Map<Schema, Integer>> bySubject = new HashMap<>();
    private int nextId = 1;
    boolean down;

    @Override
    public synchronized int register(String subject, Schema schema) {
        check();
        return bySubject.computeIfAbsent(subject, s -> new HashMap<>()).computeIfAbsent(schema, s -> {
            byId.put(nextId, s);
            return nextId++;
        });
    }

    @Override
    public synchronized int idOf(String subject, Schema schema) {
        check();
        Integer id = bySubject.getOrDefault(subject, Map.of()).get(schema);
        if (id == null) {
            throw new SchemaRegistryException(
                    "Schema not found",
                    404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND,
                    URI.create("mem:/subjects/" + subject),
                    "Schema not found",
                    null);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        check();
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(
                    "Schema " + id + " not found",
                    404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND,
                    URI.create("mem:/schemas/ids/" + id),
                    "Schema not found",
                    null);
        }
        return schema;
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return true;
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        return CompatibilityLevel.NONE;
    }

    @Override
    public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
        return level;
    }

    @Override
    public synchronized List<String> subjects() {
        return new ArrayList<>(bySubject.keySet());
    }

    private void check() {
        if (down) {
            throw new SchemaRegistryException(
                    "Connection refused",
                    SchemaRegistryException.NO_STATUS,
                    SchemaRegistryException.NO_ERROR_CODE,
                    URI.create("mem:/"),
                    null,
                    null);
        }
    }
}
