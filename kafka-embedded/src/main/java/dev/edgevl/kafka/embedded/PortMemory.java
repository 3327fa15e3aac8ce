package dev.edgevl.kafka.embedded;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ports a data dir was last served on, kept next to the storage so `edgevl local` comes back at the same
 * address when it can. Losing the file only costs a new port, so read and write problems are logged, not thrown.
 */
record PortMemory(int port, int controllerPort) {

    static final String FILE_NAME = "edgevl-kafka-ports.properties";
    static final PortMemory NONE = new PortMemory(0, 0);

    private static final Logger LOG = LoggerFactory.getLogger(PortMemory.class);

    static PortMemory load(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
            return new PortMemory(parse(props.getProperty("port")), parse(props.getProperty("controller.port")));
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Ignoring the remembered Kafka ports in {}: {}", file, e.getMessage());
            return NONE;
        }
    }

    void save(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        Properties props = new Properties();
        props.setProperty("port", Integer.toString(port));
        props.setProperty("controller.port", Integer.toString(controllerPort));
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, "Last ports of the embedded Kafka broker; reused when still free.");
        } catch (IOException e) {
            LOG.warn("Could not remember the Kafka ports in {}: {}", file, e.getMessage());
        }
    }

    private static int parse(String value) {
        if (value == null) {
            return 0;
        }
        int port = Integer.parseInt(value.trim());
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
        return port;
    }
}
