package dev.edgevl.device.agent;

import dev.edgevl.avro.ModelVersion;
import java.util.Objects;

/**
 * The newest {@code models} record of a family, as every device is offered it: decoded once for the whole process,
 * verified by each device for itself. A record that could not even be decoded comes as an offer with a
 * {@code problem} instead, so devices refuse it (and say so) rather than never hearing of it.
 *
 * @param record  the decoded record; null when it could not be decoded
 * @param problem why the record could not be decoded; null when it was
 * @param origin  where it came from (topic, partition, offset), for logs
 * @param canary  whether it came under the family's canary key: a staged rollout that only the devices in its share
 *     run ({@link dev.edgevl.model.bundle.Rollouts#choose})
 */
public record ModelOffer(String family, ModelVersion record, String problem, String origin, boolean canary) {
    public ModelOffer(String family, ModelVersion record, String problem, String origin) {
        this(family, record, problem, origin, false);
    }

    public ModelOffer {
        Objects.requireNonNull(family, "family");
        if ((record == null) == (problem == null)) {
            throw new IllegalArgumentException("an offer carries either a record or the reason it has none");
        }
    }

    public static ModelOffer of(ModelVersion record, String origin) {
        return new ModelOffer(record.getFamily(), record, null, origin);
    }

    /** A record of the family's canary key. */
    public static ModelOffer canary(ModelVersion record, String origin) {
        return new ModelOffer(record.getFamily(), record, null, origin, true);
    }

    public static ModelOffer unreadable(String family, String problem, String origin) {
        return new ModelOffer(family, null, problem, origin);
    }

    /** "student v5", or "an unreadable student record" when there is no record. */
    public String describe() {
        return record == null
                ? "an unreadable " + family + " record"
                : family + " v" + record.getVersion() + (canary ? " (canary)" : "");
    }
}
