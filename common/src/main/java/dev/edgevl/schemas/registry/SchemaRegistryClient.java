package dev.edgevl.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client for the standard Confluent Schema Registry REST API, which Confluent, Apicurio
 * ({@code /apis/ccompat/v7}), Karapace and Redpanda all serve. Thread-safe; ids are cached for the
 * life of the client because a registry never reuses an id for different content.
 */
public final class SchemaRegistryClient implements SchemaRegistry, AutoCloseable {

    private final RegistryConfig config;
    private final RegistryTransport transport;
    // register and idOf learn the same fact (this schema has this id under this subject), so they share a cache.
    private final LruCache<SubjectSchema, Integer> ids;
    private final LruCache<Integer, Schema> schemas;
    private volatile boolean closed;

    public SchemaRegistryClient(RegistryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.transport = new RegistryTransport(config);
        this.ids = new LruCache<>(config.cacheCapacity());
        this.schemas = new LruCache<>(config.cacheCapacity());
    }

    public RegistryConfig config() {
        return config;
    }

    @Override
    public int register(String subject, Schema schema) {
        return idFor(subject, schema, "/versions");
    }

    @Override
    public int idOf(String subject, Schema schema) {
        return idFor(subject, schema, "");
    }

    private int idFor(String subject, Schema schema, String suffix) {
        SubjectSchema key = new SubjectSchema(checkedSubject(subject), Objects.requireNonNull(schema, "schema"));
        Integer cached = ids.get(key);
        if (cached != null) {
            return cached;
        }
        int id = call("POST", "/subjects/" + segment(subject) + suffix, schemaBody(schema))
                .intField("id");
        ids.put(key, id);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemas.get(id);
        if (cached != null) {
            return cached;
        }
        RegistryReply reply = call("GET", "/schemas/ids/" + id, null);
        Schema schema = avroSchema(id, reply);
        schemas.put(id, schema);
        return schema;
    }

    private static Schema avroSchema(int id, RegistryReply reply) {
        // The API leaves schemaType out for Avro, its original and default type.
        String type = reply.body().path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw SchemaRegistryException.unsupported(
                    reply.method(), reply.url(), reply.status(), "schema id " + id + " is " + type);
        }
        if (reply.body().path("references").size() > 0) {
            throw SchemaRegistryException.unsupported(
                    reply.method(), reply.url(), reply.status(), "schema id " + id + " that uses schema references");
        }
        String text = reply.textField("schema");
        try {
            // Defaults are not re-validated: a writer schema is used as stored, even if an older tool accepted it
            // loosely.
            return new Schema.Parser().setValidateDefaults(false).parse(text);
        } catch (SchemaParseException e) {
            throw SchemaRegistryException.unexpected(
                    reply.method(),
                    reply.url(),
                    reply.status(),
                    "Avro cannot parse schema id " + id + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        Objects.requireNonNull(schema, "schema");
        String path = "/compatibility/subjects/" + segment(checkedSubject(subject)) + "/versions/latest";
        try {
            return call("POST", path, schemaBody(schema)).booleanField("is_compatible");
        } catch (SchemaRegistryException e) {
            // Nothing to break yet. The error code matters: a bare 404 may mean a wrong base URL.
            if (e.httpStatus() == 404
                    && (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                            || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND)) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        String path = "/config/" + segment(checkedSubject(subject));
        try {
            return level(call("GET", path + "?defaultToGlobal=true", null));
        } catch (SchemaRegistryException e) {
            // Registries that ignore defaultToGlobal answer 40408 (no subject level) or 40401 (unknown subject).
            if (e.httpStatus() == 404
                    && (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                            || e.errorCode() == SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED)) {
                return level(call("GET", "/config", null));
            }
            throw e;
        }
    }

    @Override
    public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
        Objects.requireNonNull(level, "level");
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("compatibility", level.name());
        return level(call("PUT", "/config/" + segment(checkedSubject(subject)), body));
    }

    @Override
    public List<String> subjects() {
        RegistryReply reply = call("GET", "/subjects", null);
        if (!reply.body().isArray()) {
            throw reply.missing("[]", "a list of subject names");
        }
        List<String> subjects = new ArrayList<>(reply.body().size());
        reply.body().forEach(name -> subjects.add(name.asText()));
        return List.copyOf(subjects);
    }

    /** Forgets the caches; later calls fail. */
    @Override
    public void close() {
        closed = true;
        ids.clear();
        schemas.clear();
        transport.close();
    }

    private RegistryReply call(String method, String path, JsonNode body) {
        if (closed) {
            throw new IllegalStateException("This SchemaRegistryClient is closed.");
        }
        return transport.call(method, path, body);
    }

    private static CompatibilityLevel level(RegistryReply reply) {
        // GET /config answers compatibilityLevel, PUT echoes compatibility.
        String name = reply.textField("compatibilityLevel", "compatibility");
        try {
            return CompatibilityLevel.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw reply.missing("compatibilityLevel", "one of " + List.of(CompatibilityLevel.values()));
        }
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JsonNodeFactory.instance.objectNode().put("schema", schema.toString());
    }

    private static String checkedSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("A subject name is needed, was '" + subject + "'.");
        }
        return subject;
    }

    /** Subjects may hold '/', '+' or spaces, so they go into the path fully percent-encoded. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private record SubjectSchema(String subject, Schema schema) {}
}
