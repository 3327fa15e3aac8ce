package dev.edgevl.kafka.embedded;

import java.net.BindException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka (broker and controller in one) running inside this JVM, for {@code edgevl local}
 * and the integration tests. Start one with {@link #builder()}; {@link #close()} stops it.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Kafka's storage inside the data dir; beside it sit the remembered ports and the lock file. */
    static final String LOG_DIR_NAME = "kafka-logs";

    private final KafkaRaftServer server;
    private final DataDirLock lock;
    private final String bootstrapServers;
    private final Path dataDir;
    private final String clusterId;
    private final boolean ownsDataDir;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedKafka(
            KafkaRaftServer server,
            DataDirLock lock,
            String bootstrapServers,
            Path dataDir,
            String clusterId,
            boolean ownsDataDir) {
        this.server = server;
        this.lock = lock;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.clusterId = clusterId;
        this.ownsDataDir = ownsDataDir;
        this.shutdownHook = new Thread(this::close, "edgevl-kafka-shutdown");
    }

    private static EmbeddedKafka running(
            KafkaRaftServer server,
            DataDirLock lock,
            String bootstrapServers,
            Path dataDir,
            String clusterId,
            boolean ownsDataDir,
            boolean shutdownHook) {
        EmbeddedKafka kafka = new EmbeddedKafka(server, lock, bootstrapServers, dataDir, clusterId, ownsDataDir);
        if (!shutdownHook) {
            return kafka;
        }
        // A JVM that exits without close() (Ctrl-C on `edgevl local`, a test run killed by its build) still gets an
        // orderly broker shutdown and no stray temp dir.
        try {
            Runtime.getRuntime().addShutdownHook(kafka.shutdownHook);
        } catch (IllegalStateException e) {
            stopQuietly(server);
            throw new IllegalStateException(
                    "The JVM began shutting down while the Kafka broker at " + bootstrapServers
                            + " was starting, so it was stopped again.",
                    e);
        }
        return kafka;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code host:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String clusterId() {
        return clusterId;
    }

    /** True when the broker made its own temporary data dir, which {@link #close()} deletes. */
    public boolean ownsDataDir() {
        return ownsDataDir;
    }

    /**
     * Stops the broker, then the controller, waits for both, and deletes the data dir when it was temporary.
     * Safe to call more than once and from a shutdown hook; a second caller waits until the first has finished.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook will find this instance closed.
            }
        }
        Instant began = Instant.now();
        stopQuietly(server);
        lock.close();
        if (ownsDataDir) {
            Directories.deleteQuietly(dataDir);
        }
        LOG.info(
                "Kafka broker at {} stopped after {}{}.",
                bootstrapServers,
                seconds(began),
                ownsDataDir ? " and its temporary data dir was deleted" : " (data kept in " + dataDir + ")");
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers + ", cluster " + clusterId + ", data in " + dataDir + "]";
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (Exception e) { // Scala code may throw checked exceptions undeclared
            LOG.warn("The Kafka broker did not shut down cleanly: {}", e.toString());
        }
    }

    private static String seconds(Instant since) {
        return String.format(
                Locale.ROOT, "%.1f s", Duration.between(since, Instant.now()).toMillis() / 1000.0);
    }

    /** Settings for one broker; {@link #start()} may be called again to start another with the same settings. */
    public static final class Builder {

        // Bind failures on ports we picked ourselves are races with other processes; a fresh pick usually wins.
        private static final int MAX_BIND_ATTEMPTS = 3;

        private Path dataDir;
        private int port;
        private String host = "127.0.0.1";
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);
        private boolean shutdownHook = true;
        private BrokerSecurity security;

        private Builder() {}

        /**
         * Clients must authenticate (SCRAM-SHA-512 over TLS) as one of {@code security}'s principals, and may do only
         * what ACLs allow them ({@link BrokerSecurity}); without it (the default) the listener is PLAINTEXT and open.
         */
        public Builder security(BrokerSecurity security) {
            this.security = security;
            return this;
        }

        /**
         * Where Kafka keeps its data. A given dir is kept and reused by the next start (topics, offsets and cluster
         * id survive); {@code null}, the default, means a temporary dir that {@link EmbeddedKafka#close()} deletes.
         */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /**
         * Leaves stopping the broker on JVM exit to the caller, for an application that shuts its clients down first
         * in a shutdown hook of its own (the broker's own hook would otherwise stop it under them, in parallel).
         */
        public Builder withoutShutdownHook() {
            this.shutdownHook = false;
            return this;
        }

        /** The client port; 0 (the default) picks a free one, preferring the one a reused data dir last had. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(
                        "A Kafka port must be 0 (any free port) or 1 to 65535, got " + port + ".");
            }
            this.port = port;
            return this;
        }

        /** The address the listeners bind to and the broker advertises; default 127.0.0.1. */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("The Kafka host must not be blank.");
            }
            this.host = host.trim();
            return this;
        }

        /** Any server.properties setting; applied after the built-in ones, so it wins. */
        public Builder brokerProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            brokerProperties.put(key, value);
            return this;
        }

        /** How long {@link #start()} may take before it gives up; default 60 s. */
        public Builder startupTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("The Kafka startup timeout must be positive, got " + timeout + ".");
            }
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Formats storage if needed, starts the broker and returns once a client can describe the cluster and
         * create a topic.
         *
         * @throws IllegalStateException saying what failed; whatever had started is stopped again
         */
        public EmbeddedKafka start() {
            Instant began = Instant.now();
            Instant deadline = began.plus(startupTimeout);
            boolean owns = dataDir == null;
            Path dir = owns ? Directories.createTemp() : Directories.createGiven(dataDir);
            DataDirLock lock = null;
            StartupExitGuard guard = StartupExitGuard.enter();
            try {
                lock = DataDirLock.acquire(dir);
                return startIn(dir, lock, owns, began, deadline);
            } catch (RuntimeException e) {
                if (lock != null) {
                    lock.close();
                }
                if (owns) {
                    Directories.deleteQuietly(dir);
                }
                throw e;
            } finally {
                guard.close();
            }
        }

        private EmbeddedKafka startIn(Path dir, DataDirLock lock, boolean owns, Instant began, Instant deadline) {
            for (int attempt = 1; ; attempt++) {
                PortMemory remembered = owns ? PortMemory.NONE : PortMemory.load(dir);
                int brokerPort;
                if (port > 0) {
                    Ports.requireFree(host, port);
                    brokerPort = port;
                } else {
                    brokerPort = Ports.preferred(host, remembered.port(), Set.of());
                }
                int controllerPort = Ports.preferred(host, remembered.controllerPort(), Set.of(brokerPort));
                String bootstrap = BrokerProperties.hostPort(host, brokerPort);

                KafkaConfig config = config(brokerPort, controllerPort, dir, Duration.between(Instant.now(), deadline));
                String clusterId = KraftStorage.formatOrReuse(
                        Paths.get(config.metadataLogDir()), security == null ? List.of() : security.scramArguments());

                KafkaRaftServer server;
                try {
                    server = new KafkaRaftServer(config, Time.SYSTEM);
                } catch (Exception e) { // Scala code may throw checked exceptions undeclared
                    throw new IllegalStateException(
                            "The Kafka broker for " + dir + " could not open its storage: " + describe(e) + ".", e);
                }
                try {
                    server.startup();
                } catch (Exception e) {
                    stopQuietly(server);
                    // Fresh ports cannot help when the listeners come from an override.
                    if (isBindFailure(e) && attempt < MAX_BIND_ATTEMPTS && !brokerProperties.containsKey("listeners")) {
                        LOG.info(
                                "Kafka could not bind its ports (client {}, controller {}): {}. Trying again with fresh ports.",
                                bootstrap,
                                controllerPort,
                                describe(e));
                        continue;
                    }
                    throw new IllegalStateException(
                            "The Kafka broker at " + bootstrap + " failed to start: " + describe(e) + ".", e);
                }
                try {
                    Readiness.await(
                            bootstrap,
                            security == null ? Map.of() : security.clientProperties(BrokerSecurity.ADMIN),
                            deadline);
                } catch (RuntimeException e) {
                    stopQuietly(server);
                    throw e;
                }
                if (!owns) {
                    new PortMemory(brokerPort, controllerPort).save(dir);
                }
                LOG.info(
                        "Kafka broker ready at {} (cluster {}, data in {}) after {}.",
                        bootstrap,
                        clusterId,
                        dir,
                        seconds(began));
                return running(server, lock, bootstrap, dir, clusterId, owns, shutdownHook);
            }
        }

        private KafkaConfig config(int brokerPort, int controllerPort, Path dir, Duration remaining) {
            Map<String, String> overrides = new LinkedHashMap<>();
            if (security != null) {
                overrides.putAll(security.brokerProperties(
                        BrokerProperties.BROKER_LISTENER, BrokerProperties.CONTROLLER_LISTENER));
            }
            overrides.putAll(brokerProperties);
            Map<String, String> settings = BrokerProperties.of(
                    host, brokerPort, controllerPort, dir.resolve(LOG_DIR_NAME), remaining, overrides);
            try {
                return KafkaConfig.fromProps(BrokerProperties.toProperties(settings), false);
            } catch (ConfigException | IllegalArgumentException e) {
                throw new IllegalStateException("The Kafka broker settings are invalid: " + e.getMessage(), e);
            }
        }

        private static boolean isBindFailure(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof BindException) {
                    return true;
                }
            }
            return false;
        }

        /** The distinct messages along the cause chain, because Kafka's outermost one rarely names the address or file. */
        private static String describe(Throwable t) {
            StringBuilder text = new StringBuilder();
            int parts = 0;
            for (Throwable c = t; c != null && parts < 3; c = c.getCause() == c ? null : c.getCause()) {
                String message =
                        c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
                if (text.indexOf(message) < 0) {
                    text.append(parts++ == 0 ? "" : ": ").append(message);
                }
            }
            // Kafka ends most messages with a full stop; callers add their own.
            return text.toString().replaceAll("[.\\s]+$", "");
        }
    }
}
