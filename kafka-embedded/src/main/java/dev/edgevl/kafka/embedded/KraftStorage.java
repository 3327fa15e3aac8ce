package dev.edgevl.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Formats a KRaft storage directory once, and reads the cluster id back from one formatted before, so
 * a reused data dir keeps its topics, offsets and cluster id.
 */
final class KraftStorage {

    private static final Logger LOG = LoggerFactory.getLogger(KraftStorage.class);

    private KraftStorage() {}

    static boolean isFormatted(Path logDir) {
        return Files.isRegularFile(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME));
    }

    /** Returns the cluster id of {@code logDir}, formatting it with a fresh id first when it is not formatted yet. */
    static String formatOrReuse(Path logDir) {
        return formatOrReuse(logDir, List.of());
    }

    /** @param scram SCRAM credentials to create when formatting ({@code MECHANISM=[name=…,password=…]}) */
    static String formatOrReuse(Path logDir, List<String> scram) {
        String dir = logDir.toAbsolutePath().toString();
        if (isFormatted(logDir)) {
            String clusterId = readClusterId(dir);
            LOG.debug("Reusing Kafka storage in {} (cluster {}).", dir, clusterId);
            return clusterId;
        }
        String clusterId = Uuid.randomUuid().toString();
        // The Formatter reports to a PrintStream meant for a terminal; keep it for the debug log instead.
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(out)
                    .setNodeId(BrokerProperties.NODE_ID)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dir))
                    .setMetadataLogDirectory(dir)
                    .setControllerListenerName(BrokerProperties.CONTROLLER_LISTENER)
                    // Matches the static controller.quorum.voters in BrokerProperties.
                    .setHasDynamicQuorum(false)
                    .setScramArguments(scram)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka storage in " + dir + ": " + e.getMessage(), e);
        }
        LOG.debug(
                "Formatted Kafka storage in {} for cluster {}: {}",
                dir,
                clusterId,
                report.toString(StandardCharsets.UTF_8).trim());
        return clusterId;
    }

    private static String readClusterId(String dir) {
        try {
            MetaPropertiesEnsemble ensemble =
                    new MetaPropertiesEnsemble.Loader().addLogDirs(List.of(dir)).load();
            return ensemble.clusterId()
                    .orElseThrow(() -> new IllegalStateException(
                            "Kafka storage in " + dir + " has a meta.properties without a cluster id."));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Could not read the Kafka cluster id from " + dir + ": " + e.getMessage(), e);
        }
    }
}
