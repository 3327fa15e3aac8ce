package dev.edgevl.console;

import dev.edgevl.avro.LabelAction;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.distill.DistillerConfig;
import dev.edgevl.distill.KafkaModelPublisher;
import dev.edgevl.distill.ModelCatalog;
import dev.edgevl.distill.Republisher;
import dev.edgevl.model.bundle.DirectoryModelStore;
import dev.edgevl.schemas.serde.AvroSerdes;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The console's actions against a cluster: label changes go to {@code labels} (the teacher embeds them); promote and
 * rollback republish a version's signed record from the distiller's store to {@code models}, as {@code edgevl models}
 * does. Without the store (another machine than the distiller's) the page lists no versions and cannot promote.
 */
public final class KafkaConsoleActions implements ConsoleActions {
    private final Map<String, Object> client;
    private final AvroSerdes serdes;
    private final DistillerConfig distiller;

    /** @param distiller where the store is and which family it holds */
    public KafkaConsoleActions(Map<String, Object> client, AvroSerdes serdes, DistillerConfig distiller) {
        this.client = Map.copyOf(client);
        this.serdes = serdes;
        this.distiller = distiller;
    }

    @Override
    public String addLabel(String label) throws Exception {
        LabelWriter.send(
                client, serdes, List.of(LabelWriter.event(label, LabelAction.ADD, List.of(), "edgevl console")));
        return "Asked the teacher to embed '" + label.trim() + "'; the job scores with it once it is embedded.";
    }

    @Override
    public String removeLabel(String label) throws Exception {
        LabelWriter.send(
                client, serdes, List.of(LabelWriter.event(label, LabelAction.REMOVE, List.of(), "edgevl console")));
        return "Removed '" + label.trim() + "' from the vocabulary.";
    }

    @Override
    public String promote(long version) throws Exception {
        ModelVersion record = republish(version);
        return "Promoted " + record.getFamily() + " v" + record.getVersion() + ": the job and the devices swap to it.";
    }

    @Override
    public String rollback(long version) throws Exception {
        ModelVersion record = republish(version);
        return "Rolled " + record.getFamily() + " back to v" + record.getVersion()
                + ": the job and the devices swap to it.";
    }

    @Override
    public List<ModelVersion> versions() throws Exception {
        if (!Files.isDirectory(distiller.storeDir())) {
            return List.of();
        }
        List<ModelVersion> all =
                new ArrayList<>(ModelCatalog.in(distiller.storeDir()).list(distiller.family()));
        all.sort(Comparator.comparingLong(ModelVersion::getVersion).reversed());
        return all;
    }

    private ModelVersion republish(long version) throws Exception {
        try (KafkaModelPublisher publisher = new KafkaModelPublisher(client, serdes)) {
            return new Republisher(
                            ModelCatalog.in(distiller.storeDir()),
                            new DirectoryModelStore(distiller.storeDir()),
                            publisher)
                    .republish(
                            distiller.family(),
                            version,
                            distiller.delivery() == DistillerConfig.Delivery.INLINE,
                            Instant.now());
        }
    }
}
