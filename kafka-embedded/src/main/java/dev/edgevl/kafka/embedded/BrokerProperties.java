package dev.edgevl.kafka.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The server.properties of the embedded broker, as a pure function of its address, storage and
 * overrides, so the settings can be checked without starting anything.
 */
final class BrokerProperties {

    static final int NODE_ID = 1;
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private BrokerProperties() {}

    /**
     * @param host           the address both listeners bind to and the broker advertises
     * @param port           the client port; must already be chosen (never 0)
     * @param controllerPort the KRaft controller port; must already be chosen (never 0)
     * @param logDir         the formatted storage directory (Kafka's log.dirs)
     * @param startupTimeout how long Kafka itself may take to start before giving up
     * @param overrides      applied last, so any key here wins
     */
    static Map<String, String> of(
            String host,
            int port,
            int controllerPort,
            Path logDir,
            Duration startupTimeout,
            Map<String, String> overrides) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(logDir, "logDir");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(overrides, "overrides");
        if (port <= 0 || controllerPort <= 0) {
            throw new IllegalArgumentException("Both ports must be chosen before the broker properties are built, got "
                    + port + " and " + controllerPort + ".");
        }
        String brokerAddress = hostPort(host, port);
        String controllerAddress = hostPort(host, controllerPort);

        Map<String, String> p = new TreeMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        // A static voter set (not controller.quorum.bootstrap.servers) keeps kraft.version at 0, so a reused
        // data dir starts again even when the controller port has changed since it was formatted.
        p.put("controller.quorum.voters", NODE_ID + "@" + controllerAddress);
        p.put(
                "listeners",
                BROKER_LISTENER + "://" + brokerAddress + "," + CONTROLLER_LISTENER + "://" + controllerAddress);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + brokerAddress);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());

        // One broker: every internal topic must accept a single replica or its coordinator never loads.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // 50 partitions per internal topic (the default) only slows the first group join on a dev box.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.num.partitions", "5");

        // Topics come from the project's catalogue; a typo in a topic name must fail, not create a topic.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // Tests start one consumer at a time; waiting 3 s for more members to join buys nothing here.
        p.put("group.initial.rebalance.delay.ms", "0");

        // Sized for a laptop rather than a server: fewer threads, a smaller compaction buffer
        // (the default 128 MiB is allocated up front), segments small enough for retention to act.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Long.toString(32L * 1024 * 1024));
        p.put("log.segment.bytes", Long.toString(64L * 1024 * 1024));

        // Makes Kafka itself give up (and clean up) instead of blocking start() forever.
        p.put("server.max.startup.time.ms", Long.toString(Math.max(1, startupTimeout.toMillis())));

        p.putAll(overrides);
        return p;
    }

    static Properties toProperties(Map<String, String> settings) {
        Properties props = new Properties();
        props.putAll(settings);
        return props;
    }

    static String hostPort(String host, int port) {
        // IPv6 literals need brackets inside a listener URL.
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
