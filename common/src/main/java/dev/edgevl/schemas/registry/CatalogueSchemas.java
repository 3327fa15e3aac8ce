package dev.edgevl.schemas.registry;

import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Registers the value schema of every catalogue topic under {@code <topic>-value}, for registries where
 * producers may only look schemas up. Each subject is checked for compatibility first, so one refused
 * subject is reported and the others still registered.
 */
public final class CatalogueSchemas {
    /** What happened to one subject: the id it has now, or why it was refused. */
    public record Outcome(String subject, Optional<Integer> id, Optional<String> refusal) {
        public boolean registered() {
            return id.isPresent();
        }
    }

    private CatalogueSchemas() {}

    /** The topic-name strategy, as Confluent's serdes use by default, so other clients of the registry agree on subjects. */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }

    /** Registers every catalogue topic's value schema, setting {@code level} on each subject first when given. */
    public static List<Outcome> register(SchemaRegistry registry, Optional<CompatibilityLevel> level) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Topic<String, ?> topic : Topics.ALL) {
            String subject = valueSubject(topic.name());
            Schema schema = SpecificData.get().getSchema(topic.valueType());
            level.ifPresent(l -> registry.setCompatibility(subject, l));
            if (!registry.isCompatible(subject, schema)) {
                outcomes.add(new Outcome(
                        subject,
                        Optional.empty(),
                        Optional.of("not compatible with the latest registered version under "
                                + registry.compatibility(subject) + " compatibility")));
            } else {
                outcomes.add(new Outcome(subject, Optional.of(registry.register(subject, schema)), Optional.empty()));
            }
        }
        return outcomes;
    }
}
