package dev.edgevl.distill;

import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.Rollout;
import dev.edgevl.model.bundle.ModelStore;
import dev.edgevl.model.bundle.Rollouts;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Makes an earlier version live again ({@code edgevl models rollback}) or a version the gate kept back
 * ({@code edgevl models promote}): its catalogued record, unchanged and still carrying its original signature, with
 * the bundle from the store (checked against its SHA-256 there) and a new publish time. Consumers verify it like any
 * other record, and its version number is the one it was made with.
 */
public final class Republisher {
    private final ModelCatalog catalog;
    private final ModelStore store;
    private final ModelPublisher publisher;

    public Republisher(ModelCatalog catalog, ModelStore store, ModelPublisher publisher) {
        this.catalog = catalog;
        this.store = store;
        this.publisher = publisher;
    }

    /**
     * @param inline whether the record carries the bundle (as the distiller's {@code distill.delivery} says)
     * @throws IllegalArgumentException when the catalogue or the store lacks the version
     */
    public ModelVersion republish(String family, long version, boolean inline, Instant now) throws Exception {
        return republish(family, version, inline, now, Map.of());
    }

    /**
     * @param why figures added to the record's metrics (not to the signed manifest): why it was published again, for
     *     whoever reads {@code models}
     */
    public ModelVersion republish(String family, long version, boolean inline, Instant now, Map<String, Double> why)
            throws Exception {
        ModelVersion out = record(family, version, inline, now, why).build();
        publisher.publish(out);
        return out;
    }

    /**
     * Publishes a catalogued version as a canary ({@code edgevl models promote --canary}): to at most {@code share} of
     * {@code devices} (by the stable hash of their ids), the others staying on {@code fleetVersion}; a running
     * distiller watches it and makes it fleet-wide or rolls it back.
     *
     * @throws IllegalArgumentException when the version is missing, or the share holds none of the devices
     */
    public ModelVersion canary(
            String family,
            long version,
            boolean inline,
            Instant now,
            Collection<String> devices,
            double share,
            long fleetVersion)
            throws Exception {
        Rollout rollout = Rollouts.canary(devices, share, fleetVersion, now, "promoted by hand")
                .orElseThrow(() -> new IllegalArgumentException("A canary of " + share + " of the "
                        + devices.size() + " known devices holds none of them; promote without --canary, or raise the"
                        + " share."));
        ModelVersion out = record(family, version, inline, now, Map.of())
                .setRollout(rollout)
                .build();
        publisher.publish(out);
        return out;
    }

    private ModelVersion.Builder record(
            String family, long version, boolean inline, Instant now, Map<String, Double> why) throws Exception {
        ModelVersion stored = catalog.get(family, version)
                .orElseThrow(() -> new IllegalArgumentException(
                        "There is no " + family + " v" + version + " in the catalogue " + catalog.directory() + "."));
        Optional<byte[]> bundle = store.get(stored.getSha256());
        if (bundle.isEmpty()) {
            throw new IllegalArgumentException("The store has no bundle with SHA-256 " + stored.getSha256() + " for "
                    + family + " v" + version + "; it cannot be published again.");
        }
        ModelVersion.Builder record =
                ModelVersion.newBuilder(stored).setPublishedTime(now).setRollout(null);
        if (!why.isEmpty()) {
            Map<String, Double> metrics = new TreeMap<>(stored.getMetrics());
            metrics.putAll(why);
            record.setMetrics(metrics);
        }
        if (inline) {
            record.setBundle(ByteBuffer.wrap(bundle.get())).setBundleUri(null);
        } else {
            record.setBundle(null).setBundleUri(store.uriOf(stored.getSha256()).toString());
        }
        return record;
    }
}
